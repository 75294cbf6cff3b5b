-- Broadcast receivers are subscriptions of kind 'broadcast' with subject types and an interval.
ALTER TABLE subscriptions ADD COLUMN subjects TEXT;
ALTER TABLE subscriptions ADD COLUMN interval_ms BIGINT;

-- Per-kind number sequences (broadcast receiver ids are JSON numbers).
CREATE TABLE counters (
  name  TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('broadcast', 0);

-- The latest event per (receiver, subject): one upsert per matching event, taken at each interval.
CREATE TABLE broadcast_pending (
  subscription_id TEXT NOT NULL,
  subject_key     TEXT NOT NULL,
  subject_type    TEXT NOT NULL,
  subject_url     TEXT,
  last_event      TEXT NOT NULL,
  event_seq       BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL,
  PRIMARY KEY (subscription_id, subject_key)
);
