-- Every kind of subscription shares this table; webhooks are the first. next_seq numbers each
-- subscription's deliveries in commit order (bumped under the row's lock by the publish commit).
CREATE TABLE subscriptions (
  id                         TEXT PRIMARY KEY,
  kind                       TEXT NOT NULL,
  name                       TEXT NOT NULL,
  url                        TEXT NOT NULL,
  events                     TEXT NOT NULL,
  filter                     TEXT,
  signature                  TEXT NOT NULL,
  ordered                    INTEGER NOT NULL,
  max_in_flight              INTEGER NOT NULL,
  retry_schedule             TEXT NOT NULL,
  timeout_ms                 INTEGER NOT NULL,
  status                     TEXT NOT NULL,
  secret                     TEXT NOT NULL,
  previous_secret            TEXT,
  previous_secret_expires_at BIGINT,
  owner                      TEXT,
  next_seq                   BIGINT NOT NULL DEFAULT 0,
  created_at                 BIGINT NOT NULL,
  updated_at                 BIGINT NOT NULL
);

-- One row per event per subscription. The last attempt's outcome lives here, so the happy path
-- writes this row twice (create, outcome) and nothing else.
CREATE TABLE deliveries (
  subscription_id       TEXT NOT NULL,
  sub_seq               BIGINT NOT NULL,
  event_seq             BIGINT NOT NULL,
  status                TEXT NOT NULL,
  attempts              INTEGER NOT NULL DEFAULT 0,
  next_attempt_at       BIGINT NOT NULL,
  last_attempt_at       BIGINT,
  last_status           INTEGER,
  last_error            TEXT,
  last_duration_ms      INTEGER,
  last_request_headers  TEXT,
  last_response_headers TEXT,
  last_response_body    TEXT,
  created_at            BIGINT NOT NULL,
  updated_at            BIGINT NOT NULL,
  PRIMARY KEY (subscription_id, sub_seq)
);
CREATE INDEX deliveries_by_status ON deliveries (subscription_id, status, sub_seq);
CREATE INDEX deliveries_by_event ON deliveries (event_seq);
CREATE INDEX deliveries_by_age ON deliveries (status, updated_at);

-- Failed attempts (and redeliveries), with the request as sent and the start of the answer.
CREATE TABLE attempts (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  subscription_id  TEXT NOT NULL,
  sub_seq          BIGINT NOT NULL,
  number           INTEGER NOT NULL,
  redelivery       INTEGER NOT NULL,
  attempted_at     BIGINT NOT NULL,
  request_headers  TEXT,
  request_body     TEXT,
  response_status  INTEGER,
  response_headers TEXT,
  response_body    TEXT,
  duration_ms      INTEGER,
  error            TEXT
);
CREATE INDEX attempts_by_delivery ON attempts (subscription_id, sub_seq);
