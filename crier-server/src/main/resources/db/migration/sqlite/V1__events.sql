-- Times are epoch milliseconds in both dialects, so the SQL that reads and writes them is shared.
CREATE TABLE event_types (
  name        TEXT PRIMARY KEY,
  description TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

CREATE TABLE events (
  seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
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
  occurred_at          INTEGER NOT NULL,
  received_at          INTEGER NOT NULL,
  content_hash         TEXT NOT NULL
);

CREATE INDEX events_by_type ON events (type, seq);
