-- Times are epoch milliseconds in both dialects, so the SQL that reads and writes them is shared.
CREATE TABLE event_types (
  name        TEXT PRIMARY KEY,
  description TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL
);

CREATE TABLE events (
  seq                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id                   TEXT NOT NULL UNIQUE,
  type                 TEXT NOT NULL,
  account              TEXT,
  subject_type         TEXT,
  subject_id           TEXT,
  subject_path         TEXT,
  subject_url          TEXT,
  data                 TEXT,
  changes              TEXT,
  required_permissions TEXT,
  occurred_at          BIGINT NOT NULL,
  received_at          BIGINT NOT NULL,
  content_hash         TEXT NOT NULL
);

CREATE INDEX events_by_type ON events (type, seq);
