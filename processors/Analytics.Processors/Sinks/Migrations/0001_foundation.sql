-- Foundation schema: QoE fact tables per cube at one minute (analysis), and for the delivery cube
-- also at 10 seconds (the NOC), the side tables
-- for late and orphaned beacons, and processor checkpoints.
-- Design notes: docs/schema.md. {database} is replaced by the migrator.
-- fragment fact_columns: what every fact table stores after its window start and dimensions
    source LowCardinality(String),
    source_partition UInt16,
    attempts UInt32 CODEC(T64, ZSTD(1)),
    plays UInt32 CODEC(T64, ZSTD(1)),
    video_start_failures UInt32 CODEC(T64, ZSTD(1)),
    exits_before_video_start UInt32 CODEC(T64, ZSTD(1)),
    playback_failures UInt32 CODEC(T64, ZSTD(1)),
    start_time_sketch Map(Int16, UInt32),
    start_time_sum_ms UInt64 CODEC(T64, ZSTD(1)),
    playing_ms UInt64 CODEC(T64, ZSTD(1)),
    rebuffer_ms UInt64 CODEC(T64, ZSTD(1)),
    seek_rebuffer_ms UInt64 CODEC(T64, ZSTD(1)),
    rebuffers UInt32 CODEC(T64, ZSTD(1)),
    seek_rebuffers UInt32 CODEC(T64, ZSTD(1)),
    bitrate_kbps_ms UInt64 CODEC(T64, ZSTD(1)),
    bitrate_switches UInt32 CODEC(T64, ZSTD(1)),
    concurrent_plays UInt32 CODEC(T64, ZSTD(1)),
    bytes UInt64 CODEC(T64, ZSTD(1)),
    cache_hit_bytes UInt64 CODEC(T64, ZSTD(1)),
    errors UInt32 CODEC(T64, ZSTD(1)),
    fatal_errors UInt32 CODEC(T64, ZSTD(1)),
    errors_by_code Map(LowCardinality(String), UInt32),
    version UInt64,
    is_deleted UInt8,
    inserted_at DateTime('UTC') DEFAULT now()
-- end fragment

CREATE DATABASE IF NOT EXISTS {database};

-- DDSketch quantile over a stored start-time sketch (bucket -> count), relative accuracy 1 %.
-- Mirrors processors/Analytics.Processors/Sketches/DdSketch.cs: the value at rank floor(q * (n - 1)).
CREATE OR REPLACE FUNCTION qoe_quantile AS (q, sketch) -> if(
    empty(sketch),
    nan,
    arrayElement(
        arrayMap(k -> if(k = 0, 1., 2 * pow((1 + 0.01) / (1 - 0.01), k) / ((1 + 0.01) / (1 - 0.01) + 1)), arraySort(mapKeys(sketch))),
        arrayFirstIndex(c -> c > floor(q * (arraySum(mapValues(sketch)) - 1)), arrayCumSum(arraySort((v, k) -> k, mapValues(sketch), mapKeys(sketch))))));

-- One row per 10s window, delivery dimensions and input partition; the processor rewrites a row
-- with a higher version when late beacons correct it, and queries read it with FINAL; a correction
-- that leaves nothing is written with is_deleted = 1, which FINAL hides.
CREATE TABLE IF NOT EXISTS {database}.qoe_delivery_10s
(
    window_start DateTime('UTC') CODEC(DoubleDelta, ZSTD(1)),
    region LowCardinality(String),
    country LowCardinality(String),
    cdn LowCardinality(String),
    pop LowCardinality(String),
    isp LowCardinality(String),
    device_type LowCardinality(String),
    {fact_columns}
)
ENGINE = ReplacingMergeTree(version, is_deleted)
PARTITION BY toYYYYMMDD(window_start)
ORDER BY (region, cdn, device_type, country, pop, isp, window_start, source, source_partition)
TTL window_start + INTERVAL 7 DAY
SETTINGS index_granularity = 8192;

-- One row per 1m window, delivery dimensions and input partition; the processor rewrites a row
-- with a higher version when late beacons correct it, and queries read it with FINAL; a correction
-- that leaves nothing is written with is_deleted = 1, which FINAL hides.
CREATE TABLE IF NOT EXISTS {database}.qoe_delivery_1m
(
    window_start DateTime('UTC') CODEC(DoubleDelta, ZSTD(1)),
    region LowCardinality(String),
    country LowCardinality(String),
    cdn LowCardinality(String),
    pop LowCardinality(String),
    isp LowCardinality(String),
    device_type LowCardinality(String),
    {fact_columns}
)
ENGINE = ReplacingMergeTree(version, is_deleted)
PARTITION BY toYYYYMMDD(window_start)
ORDER BY (region, cdn, device_type, country, pop, isp, window_start, source, source_partition)
TTL window_start + INTERVAL 90 DAY
SETTINGS index_granularity = 8192;

-- One row per 1m window, client dimensions and input partition; the processor rewrites a row
-- with a higher version when late beacons correct it, and queries read it with FINAL; a correction
-- that leaves nothing is written with is_deleted = 1, which FINAL hides.
CREATE TABLE IF NOT EXISTS {database}.qoe_client_1m
(
    window_start DateTime('UTC') CODEC(DoubleDelta, ZSTD(1)),
    region LowCardinality(String),
    country LowCardinality(String),
    device_type LowCardinality(String),
    os LowCardinality(String),
    app_version LowCardinality(String),
    {fact_columns}
)
ENGINE = ReplacingMergeTree(version, is_deleted)
PARTITION BY toYYYYMMDD(window_start)
ORDER BY (region, device_type, os, app_version, country, window_start, source, source_partition)
TTL window_start + INTERVAL 90 DAY
SETTINGS index_granularity = 8192;

-- One row per 1m window, content dimensions and input partition; the processor rewrites a row
-- with a higher version when late beacons correct it, and queries read it with FINAL; a correction
-- that leaves nothing is written with is_deleted = 1, which FINAL hides.
CREATE TABLE IF NOT EXISTS {database}.qoe_content_1m
(
    window_start DateTime('UTC') CODEC(DoubleDelta, ZSTD(1)),
    region LowCardinality(String),
    title_id LowCardinality(String),
    {fact_columns}
)
ENGINE = ReplacingMergeTree(version, is_deleted)
PARTITION BY toYYYYMMDD(window_start)
ORDER BY (title_id, region, window_start, source, source_partition)
TTL window_start + INTERVAL 90 DAY
SETTINGS index_granularity = 8192;

-- Beacons that arrived after their window's allowed lateness: kept with their lateness and payload,
-- so they can be inspected or backfilled. Keyed by input position, so a replay rewrites, not duplicates.
CREATE TABLE IF NOT EXISTS {database}.late_events
(
    source LowCardinality(String),
    source_partition UInt16,
    source_offset Int64,
    event_id String,
    session_id String,
    event_type LowCardinality(String),
    event_time DateTime64(3, 'UTC'),
    watermark DateTime64(3, 'UTC'),
    lateness_ms Int64,
    payload String CODEC(ZSTD(3)),
    inserted_at DateTime('UTC') DEFAULT now()
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMMDD(watermark)
ORDER BY (source, source_partition, source_offset)
TTL toDateTime(watermark) + INTERVAL 30 DAY;

-- Valid beacons for sessions that had already ended (after an end, a fatal error, or a timeout).
CREATE TABLE IF NOT EXISTS {database}.orphan_events
(
    source LowCardinality(String),
    source_partition UInt16,
    session_id String,
    event_type LowCardinality(String),
    event_time DateTime64(3, 'UTC'),
    event_id_hash UInt64,
    session_end_time DateTime64(3, 'UTC'),
    inserted_at DateTime('UTC') DEFAULT now()
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMMDD(event_time)
ORDER BY (source, session_id, event_time, event_id_hash)
TTL toDateTime(event_time) + INTERVAL 30 DAY;

-- Partition state (open sessions and windows) with the offset it covers. The processor commits a
-- Kafka offset only after the checkpoint that covers it is here.
CREATE TABLE IF NOT EXISTS {database}.processor_checkpoints
(
    consumer_group LowCardinality(String),
    source LowCardinality(String),
    source_partition UInt16,
    checkpoint_id UInt64,
    next_offset Int64,
    watermark Int64,
    created_at DateTime64(3, 'UTC'),
    chunk UInt32,
    chunks UInt32,
    data String CODEC(ZSTD(3))
)
ENGINE = MergeTree
ORDER BY (consumer_group, source, source_partition, checkpoint_id, chunk)
TTL toDateTime(created_at) + INTERVAL 7 DAY;
