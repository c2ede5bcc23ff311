-- QoE semantics: ended sessions, the full metric set in the analyst views, and hourly and daily
-- rollups made inside ClickHouse by refreshable materialized views. Design notes: docs/schema.md.
-- {database} is replaced by the migrator.
-- fragment rollup_columns: what every hourly and daily rollup table stores after its dimensions
    attempts UInt64 CODEC(T64, ZSTD(1)),
    plays UInt64 CODEC(T64, ZSTD(1)),
    video_start_failures UInt64 CODEC(T64, ZSTD(1)),
    exits_before_video_start UInt64 CODEC(T64, ZSTD(1)),
    playback_failures UInt64 CODEC(T64, ZSTD(1)),
    start_time_sum_ms UInt64 CODEC(T64, ZSTD(1)),
    playing_ms UInt64 CODEC(T64, ZSTD(1)),
    rebuffer_ms UInt64 CODEC(T64, ZSTD(1)),
    seek_rebuffer_ms UInt64 CODEC(T64, ZSTD(1)),
    rebuffers UInt64 CODEC(T64, ZSTD(1)),
    seek_rebuffers UInt64 CODEC(T64, ZSTD(1)),
    bitrate_kbps_ms UInt64 CODEC(T64, ZSTD(1)),
    bitrate_switches UInt64 CODEC(T64, ZSTD(1)),
    bytes UInt64 CODEC(T64, ZSTD(1)),
    cache_hit_bytes UInt64 CODEC(T64, ZSTD(1)),
    errors UInt64 CODEC(T64, ZSTD(1)),
    fatal_errors UInt64 CODEC(T64, ZSTD(1)),
    start_time_sketch Map(Int16, UInt64),
    errors_by_code Map(LowCardinality(String), UInt64),
    peak_concurrent_plays UInt64,
    refreshed_at DateTime64(3, 'UTC')
-- end fragment
-- fragment joined_metric_sums: the additive metrics of the minute rows m, for the hourly rollups
    sum(m.attempts) AS attempts,
    sum(m.plays) AS plays,
    sum(m.video_start_failures) AS video_start_failures,
    sum(m.exits_before_video_start) AS exits_before_video_start,
    sum(m.playback_failures) AS playback_failures,
    sum(m.start_time_sum_ms) AS start_time_sum_ms,
    sum(m.playing_ms) AS playing_ms,
    sum(m.rebuffer_ms) AS rebuffer_ms,
    sum(m.seek_rebuffer_ms) AS seek_rebuffer_ms,
    sum(m.rebuffers) AS rebuffers,
    sum(m.seek_rebuffers) AS seek_rebuffers,
    sum(m.bitrate_kbps_ms) AS bitrate_kbps_ms,
    sum(m.bitrate_switches) AS bitrate_switches,
    sum(m.bytes) AS bytes,
    sum(m.cache_hit_bytes) AS cache_hit_bytes,
    sum(m.errors) AS errors,
    sum(m.fatal_errors) AS fatal_errors,
    sumMap(m.start_time_sketch) AS start_time_sketch,
    sumMap(m.errors_by_code) AS errors_by_code,
-- end fragment
-- fragment metric_sums: the additive metrics, re-aggregated (views, daily rollups)
    sum(attempts) AS attempts,
    sum(plays) AS plays,
    sum(video_start_failures) AS video_start_failures,
    sum(exits_before_video_start) AS exits_before_video_start,
    sum(playback_failures) AS playback_failures,
    sum(start_time_sum_ms) AS start_time_sum_ms,
    sum(playing_ms) AS playing_ms,
    sum(rebuffer_ms) AS rebuffer_ms,
    sum(seek_rebuffer_ms) AS seek_rebuffer_ms,
    sum(rebuffers) AS rebuffers,
    sum(seek_rebuffers) AS seek_rebuffers,
    sum(bitrate_kbps_ms) AS bitrate_kbps_ms,
    sum(bitrate_switches) AS bitrate_switches,
    sum(bytes) AS bytes,
    sum(cache_hit_bytes) AS cache_hit_bytes,
    sum(errors) AS errors,
    sum(fatal_errors) AS fatal_errors,
    sumMap(start_time_sketch) AS start_time_sketch,
    sumMap(errors_by_code) AS errors_by_code,
-- end fragment
-- fragment derived_metrics: rates, ratios and percentiles of docs/metrics.md, from the sums above
    plays / nullIf(attempts, 0) AS play_rate,
    video_start_failures / nullIf(attempts, 0) AS vsf_rate,
    exits_before_video_start / nullIf(attempts, 0) AS ebvs_rate,
    playback_failures / nullIf(plays, 0) AS vpf_rate,
    qoe_quantile(0.50, start_time_sketch) AS start_time_p50_ms,
    qoe_quantile(0.90, start_time_sketch) AS start_time_p90_ms,
    qoe_quantile(0.95, start_time_sketch) AS start_time_p95_ms,
    qoe_quantile(0.99, start_time_sketch) AS start_time_p99_ms,
    start_time_sum_ms / nullIf(plays, 0) AS start_time_mean_ms,
    rebuffer_ms / nullIf(playing_ms + rebuffer_ms, 0) AS rebuffering_ratio,
    (rebuffer_ms - seek_rebuffer_ms) / nullIf(playing_ms + rebuffer_ms - seek_rebuffer_ms, 0) AS connection_induced_rebuffering_ratio,
    rebuffers / nullIf(playing_ms / 3600000, 0) AS rebuffers_per_hour,
    (rebuffers - seek_rebuffers) / nullIf(playing_ms / 3600000, 0) AS connection_induced_rebuffers_per_hour,
    bitrate_kbps_ms / nullIf(playing_ms, 0) AS average_bitrate_kbps,
    bitrate_switches / nullIf(playing_ms / 3600000, 0) AS bitrate_switches_per_hour,
    cache_hit_bytes / nullIf(bytes, 0) AS cache_hit_ratio,
    playing_ms / 60000 AS playing_minutes
-- end fragment

-- One row per ended session: its session-level QoE and every dimension. Rewritten (same key, higher
-- version) only if a replay ends it again the same way, so FINAL returns one row per session.
CREATE TABLE IF NOT EXISTS {database}.qoe_sessions
(
    session_id String,
    source LowCardinality(String),
    source_partition UInt16,
    start_time DateTime64(3, 'UTC'),
    end_time DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    end_reason LowCardinality(String),
    region LowCardinality(String),
    country LowCardinality(String),
    cdn LowCardinality(String),
    pop LowCardinality(String),
    isp LowCardinality(String),
    asn UInt32,
    device_type LowCardinality(String),
    os LowCardinality(String),
    device_model LowCardinality(String),
    app_version LowCardinality(String),
    title_id LowCardinality(String),
    attempted UInt8,
    played UInt8,
    video_start_failure UInt8,
    exit_before_video_start UInt8,
    playback_failure UInt8,
    start_time_ms Nullable(UInt32),
    playing_ms UInt32 CODEC(T64, ZSTD(1)),
    rebuffer_ms UInt32 CODEC(T64, ZSTD(1)),
    seek_rebuffer_ms UInt32 CODEC(T64, ZSTD(1)),
    paused_ms UInt32 CODEC(T64, ZSTD(1)),
    rebuffers UInt16,
    seek_rebuffers UInt16,
    bitrate_kbps_ms UInt64 CODEC(T64, ZSTD(1)),
    bitrate_switches UInt16,
    bytes UInt64 CODEC(T64, ZSTD(1)),
    cache_hit_bytes UInt64 CODEC(T64, ZSTD(1)),
    errors UInt16,
    fatal_error_code LowCardinality(String),
    beacons UInt32,
    duplicates UInt32,
    version UInt64,
    inserted_at DateTime('UTC') DEFAULT now(),
    rebuffering_ratio Float64 ALIAS rebuffer_ms / nullIf(playing_ms + rebuffer_ms, 0),
    average_bitrate_kbps Float64 ALIAS bitrate_kbps_ms / nullIf(playing_ms, 0)
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMMDD(end_time)
ORDER BY (region, device_type, toStartOfHour(end_time), session_id)
TTL toDateTime(end_time) + INTERVAL 30 DAY;

-- The analyst views, now with every metric of docs/metrics.md. Each re-aggregates sums and merges
-- sketches, and computes ratios, rates and percentiles from the totals.

CREATE OR REPLACE VIEW {database}.qoe_delivery_10s_v AS
SELECT
    window_start, region, country, cdn, pop, isp, device_type,
    {metric_sums}
    sum(concurrent_plays) AS concurrent_plays,
    {derived_metrics}
FROM {database}.qoe_delivery_10s FINAL
GROUP BY window_start, region, country, cdn, pop, isp, device_type;

CREATE OR REPLACE VIEW {database}.qoe_delivery_1m_v AS
SELECT
    window_start, region, country, cdn, pop, isp, device_type,
    {metric_sums}
    sum(concurrent_plays) AS concurrent_plays,
    {derived_metrics}
FROM {database}.qoe_delivery_1m FINAL
GROUP BY window_start, region, country, cdn, pop, isp, device_type;

CREATE OR REPLACE VIEW {database}.qoe_client_1m_v AS
SELECT
    window_start, region, country, device_type, os, app_version,
    {metric_sums}
    sum(concurrent_plays) AS concurrent_plays,
    {derived_metrics}
FROM {database}.qoe_client_1m FINAL
GROUP BY window_start, region, country, device_type, os, app_version;

CREATE OR REPLACE VIEW {database}.qoe_content_1m_v AS
SELECT
    window_start, region, title_id,
    {metric_sums}
    sum(concurrent_plays) AS concurrent_plays,
    {derived_metrics}
FROM {database}.qoe_content_1m FINAL
GROUP BY window_start, region, title_id;

-- Rollups. A refreshable materialized view recomputes, every minute, each hour whose minute rows
-- changed since that hour was last rolled up (late corrections included), from the corrected minute
-- rows (FINAL). Rows are appended with a newer refreshed_at, and ReplacingMergeTree keeps the newest:
-- replays and corrections can never be counted twice, which an incremental view (seeing every
-- superseded version of a minute row) could not promise. Concurrency does not add up over time: the
-- rollups keep the peak over their finest windows (10 s for delivery, 1 min otherwise).

CREATE TABLE IF NOT EXISTS {database}.qoe_delivery_1h
(
    hour DateTime('UTC') CODEC(DoubleDelta, ZSTD(1)),
    region LowCardinality(String),
    country LowCardinality(String),
    cdn LowCardinality(String),
    pop LowCardinality(String),
    isp LowCardinality(String),
    device_type LowCardinality(String),
    {rollup_columns}
)
ENGINE = ReplacingMergeTree(refreshed_at)
PARTITION BY toYYYYMM(hour)
ORDER BY (region, cdn, device_type, country, pop, isp, hour)
TTL hour + INTERVAL 2 YEAR;

CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.qoe_delivery_1h_mv
REFRESH EVERY 1 MINUTE APPEND TO {database}.qoe_delivery_1h AS
WITH
    changed AS (
        SELECT toStartOfHour(window_start) AS hour, max(inserted_at) AS last_insert
        FROM {database}.qoe_delivery_1m
        WHERE inserted_at >= now() - INTERVAL 1 DAY
        GROUP BY hour),
    done AS (
        SELECT hour, max(refreshed_at) AS last_refresh
        FROM {database}.qoe_delivery_1h
        WHERE hour IN (SELECT hour FROM changed)
        GROUP BY hour),
    stale AS (
        SELECT c.hour AS hour FROM changed AS c LEFT JOIN done AS d ON c.hour = d.hour
        WHERE toDateTime(d.last_refresh) <= c.last_insert + 1),
    peaks AS (
        SELECT toStartOfHour(window_start) AS hour, region, country, cdn, pop, isp, device_type, max(concurrent) AS peak
        FROM (
            SELECT window_start, region, country, cdn, pop, isp, device_type, sum(concurrent_plays) AS concurrent
            FROM {database}.qoe_delivery_10s FINAL
            WHERE toStartOfHour(window_start) IN (SELECT hour FROM stale)
            GROUP BY window_start, region, country, cdn, pop, isp, device_type)
        GROUP BY hour, region, country, cdn, pop, isp, device_type)
SELECT
    toStartOfHour(m.window_start) AS hour, m.region AS region, m.country AS country, m.cdn AS cdn, m.pop AS pop, m.isp AS isp, m.device_type AS device_type,
    {joined_metric_sums}
    any(p.peak) AS peak_concurrent_plays,
    now64(3) AS refreshed_at
FROM {database}.qoe_delivery_1m AS m FINAL
LEFT JOIN peaks AS p ON p.hour = toStartOfHour(m.window_start) AND p.region = m.region AND p.country = m.country AND p.cdn = m.cdn AND p.pop = m.pop AND p.isp = m.isp AND p.device_type = m.device_type
WHERE toStartOfHour(m.window_start) IN (SELECT hour FROM stale)
GROUP BY hour, m.region, m.country, m.cdn, m.pop, m.isp, m.device_type;

CREATE TABLE IF NOT EXISTS {database}.qoe_delivery_1d
(
    day Date,
    region LowCardinality(String),
    country LowCardinality(String),
    cdn LowCardinality(String),
    pop LowCardinality(String),
    isp LowCardinality(String),
    device_type LowCardinality(String),
    {rollup_columns}
)
ENGINE = ReplacingMergeTree(refreshed_at)
PARTITION BY toYear(day)
ORDER BY (region, cdn, device_type, country, pop, isp, day)
TTL day + INTERVAL 5 YEAR;

CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.qoe_delivery_1d_mv
REFRESH EVERY 1 MINUTE APPEND TO {database}.qoe_delivery_1d AS
WITH
    changed AS (
        SELECT toDate(hour) AS day, max(refreshed_at) AS last_change
        FROM {database}.qoe_delivery_1h
        WHERE refreshed_at >= now() - INTERVAL 1 DAY
        GROUP BY day),
    done AS (
        SELECT day, max(refreshed_at) AS last_refresh
        FROM {database}.qoe_delivery_1d
        WHERE day IN (SELECT day FROM changed)
        GROUP BY day),
    stale AS (
        SELECT c.day AS day FROM changed AS c LEFT JOIN done AS d ON c.day = d.day
        WHERE d.last_refresh <= c.last_change)
SELECT
    toDate(hour) AS day, region, country, cdn, pop, isp, device_type,
    {metric_sums}
    max(peak_concurrent_plays) AS peak_concurrent_plays,
    now64(3) AS refreshed_at
FROM {database}.qoe_delivery_1h FINAL
WHERE toDate(hour) IN (SELECT day FROM stale)
GROUP BY day, region, country, cdn, pop, isp, device_type;

CREATE OR REPLACE VIEW {database}.qoe_delivery_1h_v AS
SELECT
    hour, region, country, cdn, pop, isp, device_type,
    {metric_sums}
    max(peak_concurrent_plays) AS peak_concurrent_plays,
    {derived_metrics}
FROM {database}.qoe_delivery_1h FINAL
GROUP BY hour, region, country, cdn, pop, isp, device_type;

CREATE OR REPLACE VIEW {database}.qoe_delivery_1d_v AS
SELECT
    day, region, country, cdn, pop, isp, device_type,
    {metric_sums}
    max(peak_concurrent_plays) AS peak_concurrent_plays,
    {derived_metrics}
FROM {database}.qoe_delivery_1d FINAL
GROUP BY day, region, country, cdn, pop, isp, device_type;

CREATE TABLE IF NOT EXISTS {database}.qoe_client_1h
(
    hour DateTime('UTC') CODEC(DoubleDelta, ZSTD(1)),
    region LowCardinality(String),
    country LowCardinality(String),
    device_type LowCardinality(String),
    os LowCardinality(String),
    app_version LowCardinality(String),
    {rollup_columns}
)
ENGINE = ReplacingMergeTree(refreshed_at)
PARTITION BY toYYYYMM(hour)
ORDER BY (region, device_type, os, app_version, country, hour)
TTL hour + INTERVAL 2 YEAR;

CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.qoe_client_1h_mv
REFRESH EVERY 1 MINUTE APPEND TO {database}.qoe_client_1h AS
WITH
    changed AS (
        SELECT toStartOfHour(window_start) AS hour, max(inserted_at) AS last_insert
        FROM {database}.qoe_client_1m
        WHERE inserted_at >= now() - INTERVAL 1 DAY
        GROUP BY hour),
    done AS (
        SELECT hour, max(refreshed_at) AS last_refresh
        FROM {database}.qoe_client_1h
        WHERE hour IN (SELECT hour FROM changed)
        GROUP BY hour),
    stale AS (
        SELECT c.hour AS hour FROM changed AS c LEFT JOIN done AS d ON c.hour = d.hour
        WHERE toDateTime(d.last_refresh) <= c.last_insert + 1),
    peaks AS (
        SELECT toStartOfHour(window_start) AS hour, region, country, device_type, os, app_version, max(concurrent) AS peak
        FROM (
            SELECT window_start, region, country, device_type, os, app_version, sum(concurrent_plays) AS concurrent
            FROM {database}.qoe_client_1m FINAL
            WHERE toStartOfHour(window_start) IN (SELECT hour FROM stale)
            GROUP BY window_start, region, country, device_type, os, app_version)
        GROUP BY hour, region, country, device_type, os, app_version)
SELECT
    toStartOfHour(m.window_start) AS hour, m.region AS region, m.country AS country, m.device_type AS device_type, m.os AS os, m.app_version AS app_version,
    {joined_metric_sums}
    any(p.peak) AS peak_concurrent_plays,
    now64(3) AS refreshed_at
FROM {database}.qoe_client_1m AS m FINAL
LEFT JOIN peaks AS p ON p.hour = toStartOfHour(m.window_start) AND p.region = m.region AND p.country = m.country AND p.device_type = m.device_type AND p.os = m.os AND p.app_version = m.app_version
WHERE toStartOfHour(m.window_start) IN (SELECT hour FROM stale)
GROUP BY hour, m.region, m.country, m.device_type, m.os, m.app_version;

CREATE TABLE IF NOT EXISTS {database}.qoe_client_1d
(
    day Date,
    region LowCardinality(String),
    country LowCardinality(String),
    device_type LowCardinality(String),
    os LowCardinality(String),
    app_version LowCardinality(String),
    {rollup_columns}
)
ENGINE = ReplacingMergeTree(refreshed_at)
PARTITION BY toYear(day)
ORDER BY (region, device_type, os, app_version, country, day)
TTL day + INTERVAL 5 YEAR;

CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.qoe_client_1d_mv
REFRESH EVERY 1 MINUTE APPEND TO {database}.qoe_client_1d AS
WITH
    changed AS (
        SELECT toDate(hour) AS day, max(refreshed_at) AS last_change
        FROM {database}.qoe_client_1h
        WHERE refreshed_at >= now() - INTERVAL 1 DAY
        GROUP BY day),
    done AS (
        SELECT day, max(refreshed_at) AS last_refresh
        FROM {database}.qoe_client_1d
        WHERE day IN (SELECT day FROM changed)
        GROUP BY day),
    stale AS (
        SELECT c.day AS day FROM changed AS c LEFT JOIN done AS d ON c.day = d.day
        WHERE d.last_refresh <= c.last_change)
SELECT
    toDate(hour) AS day, region, country, device_type, os, app_version,
    {metric_sums}
    max(peak_concurrent_plays) AS peak_concurrent_plays,
    now64(3) AS refreshed_at
FROM {database}.qoe_client_1h FINAL
WHERE toDate(hour) IN (SELECT day FROM stale)
GROUP BY day, region, country, device_type, os, app_version;

CREATE OR REPLACE VIEW {database}.qoe_client_1h_v AS
SELECT
    hour, region, country, device_type, os, app_version,
    {metric_sums}
    max(peak_concurrent_plays) AS peak_concurrent_plays,
    {derived_metrics}
FROM {database}.qoe_client_1h FINAL
GROUP BY hour, region, country, device_type, os, app_version;

CREATE OR REPLACE VIEW {database}.qoe_client_1d_v AS
SELECT
    day, region, country, device_type, os, app_version,
    {metric_sums}
    max(peak_concurrent_plays) AS peak_concurrent_plays,
    {derived_metrics}
FROM {database}.qoe_client_1d FINAL
GROUP BY day, region, country, device_type, os, app_version;

CREATE TABLE IF NOT EXISTS {database}.qoe_content_1h
(
    hour DateTime('UTC') CODEC(DoubleDelta, ZSTD(1)),
    region LowCardinality(String),
    title_id LowCardinality(String),
    {rollup_columns}
)
ENGINE = ReplacingMergeTree(refreshed_at)
PARTITION BY toYYYYMM(hour)
ORDER BY (title_id, region, hour)
TTL hour + INTERVAL 2 YEAR;

CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.qoe_content_1h_mv
REFRESH EVERY 1 MINUTE APPEND TO {database}.qoe_content_1h AS
WITH
    changed AS (
        SELECT toStartOfHour(window_start) AS hour, max(inserted_at) AS last_insert
        FROM {database}.qoe_content_1m
        WHERE inserted_at >= now() - INTERVAL 1 DAY
        GROUP BY hour),
    done AS (
        SELECT hour, max(refreshed_at) AS last_refresh
        FROM {database}.qoe_content_1h
        WHERE hour IN (SELECT hour FROM changed)
        GROUP BY hour),
    stale AS (
        SELECT c.hour AS hour FROM changed AS c LEFT JOIN done AS d ON c.hour = d.hour
        WHERE toDateTime(d.last_refresh) <= c.last_insert + 1),
    peaks AS (
        SELECT toStartOfHour(window_start) AS hour, region, title_id, max(concurrent) AS peak
        FROM (
            SELECT window_start, region, title_id, sum(concurrent_plays) AS concurrent
            FROM {database}.qoe_content_1m FINAL
            WHERE toStartOfHour(window_start) IN (SELECT hour FROM stale)
            GROUP BY window_start, region, title_id)
        GROUP BY hour, region, title_id)
SELECT
    toStartOfHour(m.window_start) AS hour, m.region AS region, m.title_id AS title_id,
    {joined_metric_sums}
    any(p.peak) AS peak_concurrent_plays,
    now64(3) AS refreshed_at
FROM {database}.qoe_content_1m AS m FINAL
LEFT JOIN peaks AS p ON p.hour = toStartOfHour(m.window_start) AND p.region = m.region AND p.title_id = m.title_id
WHERE toStartOfHour(m.window_start) IN (SELECT hour FROM stale)
GROUP BY hour, m.region, m.title_id;

CREATE TABLE IF NOT EXISTS {database}.qoe_content_1d
(
    day Date,
    region LowCardinality(String),
    title_id LowCardinality(String),
    {rollup_columns}
)
ENGINE = ReplacingMergeTree(refreshed_at)
PARTITION BY toYear(day)
ORDER BY (title_id, region, day)
TTL day + INTERVAL 5 YEAR;

CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.qoe_content_1d_mv
REFRESH EVERY 1 MINUTE APPEND TO {database}.qoe_content_1d AS
WITH
    changed AS (
        SELECT toDate(hour) AS day, max(refreshed_at) AS last_change
        FROM {database}.qoe_content_1h
        WHERE refreshed_at >= now() - INTERVAL 1 DAY
        GROUP BY day),
    done AS (
        SELECT day, max(refreshed_at) AS last_refresh
        FROM {database}.qoe_content_1d
        WHERE day IN (SELECT day FROM changed)
        GROUP BY day),
    stale AS (
        SELECT c.day AS day FROM changed AS c LEFT JOIN done AS d ON c.day = d.day
        WHERE d.last_refresh <= c.last_change)
SELECT
    toDate(hour) AS day, region, title_id,
    {metric_sums}
    max(peak_concurrent_plays) AS peak_concurrent_plays,
    now64(3) AS refreshed_at
FROM {database}.qoe_content_1h FINAL
WHERE toDate(hour) IN (SELECT day FROM stale)
GROUP BY day, region, title_id;

CREATE OR REPLACE VIEW {database}.qoe_content_1h_v AS
SELECT
    hour, region, title_id,
    {metric_sums}
    max(peak_concurrent_plays) AS peak_concurrent_plays,
    {derived_metrics}
FROM {database}.qoe_content_1h FINAL
GROUP BY hour, region, title_id;

CREATE OR REPLACE VIEW {database}.qoe_content_1d_v AS
SELECT
    day, region, title_id,
    {metric_sums}
    max(peak_concurrent_plays) AS peak_concurrent_plays,
    {derived_metrics}
FROM {database}.qoe_content_1d FINAL
GROUP BY day, region, title_id;
