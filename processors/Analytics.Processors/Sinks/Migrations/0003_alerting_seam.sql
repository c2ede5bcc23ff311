-- Window progress: after every sink flush, each partition's watermark and the windows it has closed
-- (fired) and made final, once their rows are durable. Alerting reads the consumer group's low
-- watermark from here: a window is judged once every partition has made it final. Design notes:
-- docs/alerting.md. {database} is replaced by the migrator.
CREATE TABLE IF NOT EXISTS {database}.pipeline_progress
(
    consumer_group LowCardinality(String),
    source LowCardinality(String),
    source_partition UInt16,
    topic_partitions UInt16,
    instance LowCardinality(String),
    next_offset Int64,
    watermark Int64,
    closed_through DateTime64(3, 'UTC'),
    final_through DateTime64(3, 'UTC'),
    updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (consumer_group, source, source_partition)
TTL toDateTime(updated_at) + INTERVAL 30 DAY;

-- The alert evaluator's checkpoints: the windows it has judged and its rules' state, so a restart
-- neither judges a window twice nor forgets a pending alert. The newest checkpoint wins.
CREATE TABLE IF NOT EXISTS {database}.alert_checkpoints
(
    evaluator LowCardinality(String),
    checkpoint_id UInt64,
    created_at DateTime64(3, 'UTC'),
    evaluated_through String,
    state String CODEC(ZSTD(3))
)
ENGINE = MergeTree
ORDER BY (evaluator, checkpoint_id)
TTL toDateTime(created_at) + INTERVAL 7 DAY;
