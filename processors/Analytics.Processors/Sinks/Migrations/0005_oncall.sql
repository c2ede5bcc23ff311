-- On-call delivery and automated actions (alerts/Analytics.Alerts/Delivery and Actions).
-- {database} is replaced by the migrator.

-- Every delivery attempt of every notification, and the notification itself when it is queued.
-- notification_id (incident id, event seq, receiver) is stable, so a window judged again after a
-- crash queues nothing twice. A notification whose last row is neither 'delivered' nor 'rejected'
-- is still owed: a restarted alert service sends it again, from the 'queued' row's change.
-- Secrets never reach this table: change holds the incident, not the request.
CREATE TABLE IF NOT EXISTS {database}.notification_log
(
    notification_id String,
    receiver LowCardinality(String),
    receiver_kind LowCardinality(String),
    incident_id String,
    seq UInt64,
    event_kind LowCardinality(String),
    dedup_key String,
    attempt UInt32,
    status LowCardinality(String),
    http_status UInt16,
    error String,
    duration_ms UInt32,
    at DateTime64(3, 'UTC'),
    change String
)
ENGINE = MergeTree
ORDER BY (receiver, incident_id, seq, attempt, at);

-- The audit of automated actions: every decision, taken or refused, with its reason.
-- decision is 'executed', 'dry_run', 'refused', 'undone', 'undo_dry_run' or 'failed'.
CREATE TABLE IF NOT EXISTS {database}.incident_actions
(
    decision_id String,
    incident_id String,
    seq UInt64,
    rule LowCardinality(String),
    severity LowCardinality(String),
    action LowCardinality(String),
    target String,
    decision LowCardinality(String),
    reason String,
    params String,
    steered_share Float64,
    at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY (incident_id, decision_id);

-- Annotations the dashboards show (Grafana annotation queries): from the annotate action and
-- from other actions taken.
CREATE TABLE IF NOT EXISTS {database}.annotations
(
    id String,
    time DateTime64(3, 'UTC'),
    time_end DateTime64(3, 'UTC'),
    incident_id String,
    severity LowCardinality(String),
    tags Array(String),
    text String
)
ENGINE = ReplacingMergeTree
ORDER BY (time, id);
