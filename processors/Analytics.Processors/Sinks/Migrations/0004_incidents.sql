-- Incidents of the alerting layer (alerts/Analytics.Alerts/Incidents): current state, append-only history,
-- and silences / maintenance windows. {database} is replaced by the migrator.

-- One row per incident, rewritten with a higher version on every change; read with FINAL.
-- state holds the manager's full snapshot (JSON), from which a restarted alert service continues.
CREATE TABLE IF NOT EXISTS {database}.incidents
(
    id String,
    incident_key String,
    rule LowCardinality(String),
    severity LowCardinality(String),
    metric LowCardinality(String),
    slice String,
    title String,
    status LowCardinality(String),
    opened_at DateTime64(3, 'UTC'),
    triggered_at DateTime64(3, 'UTC'),
    acknowledged_at Nullable(DateTime64(3, 'UTC')),
    acknowledged_by String,
    resolved_at Nullable(DateTime64(3, 'UTC')),
    resolved_by String,
    last_window DateTime64(3, 'UTC'),
    last_value Nullable(Float64),
    baseline Nullable(Float64),
    threshold Nullable(Float64),
    escalation_level UInt16,
    notify_count UInt32,
    muted UInt8,
    symptoms Array(String),
    culprits String,
    labels Map(String, String),
    annotations Map(String, String),
    state String,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;

-- The history: one row per event. (incident_id, source, seq) is the event's identity, so a replayed
-- write replaces its twin. source is 'manager' (the alert service) or 'operator' (the CLI, seq = wall ms).
CREATE TABLE IF NOT EXISTS {database}.incident_events
(
    incident_id String,
    source LowCardinality(String),
    seq UInt64,
    kind LowCardinality(String),
    event_time DateTime64(3, 'UTC'),
    wall_time DateTime64(3, 'UTC'),
    window_start Nullable(DateTime64(3, 'UTC')),
    actor String,
    notified UInt8,
    muted UInt8,
    detail String
)
ENGINE = ReplacingMergeTree
ORDER BY (incident_id, source, seq);

-- Silences (one-off) and maintenance windows (a schedule such as 'weekly sat 02:00 2h' within starts_at..ends_at).
CREATE TABLE IF NOT EXISTS {database}.incident_silences
(
    id String,
    matchers Map(String, String),
    starts_at DateTime64(3, 'UTC'),
    ends_at DateTime64(3, 'UTC'),
    schedule String,
    comment String,
    created_by String,
    is_deleted UInt8,
    version UInt64
)
ENGINE = ReplacingMergeTree(version, is_deleted)
ORDER BY id;
