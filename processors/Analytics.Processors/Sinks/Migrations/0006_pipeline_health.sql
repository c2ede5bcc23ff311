-- The processor's own health, written by every instance every 10 s (Processor:HealthInterval), for the
-- pipeline health dashboard and the NOC wall. One row per figure, the way a metrics backend stores a
-- sample: metric, its labels (partition, reason) and a value. Counters are the increase since the
-- instance's previous row, so sums over any time bucket hold across restarts; gauges are the value at
-- `at`. The metrics are listed in docs/observability.md. {database} is replaced by the migrator.
CREATE TABLE IF NOT EXISTS {database}.pipeline_health
(
    at DateTime64(3, 'UTC'),
    consumer_group LowCardinality(String),
    instance LowCardinality(String),
    metric LowCardinality(String),
    source_partition Int32,
    reason LowCardinality(String),
    value Float64
)
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(at)
ORDER BY (consumer_group, metric, instance, source_partition, at)
TTL toDateTime(at) + INTERVAL 30 DAY;
