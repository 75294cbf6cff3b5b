-- Cluster membership: every node (a `crier serve` on this database) heartbeats its row. Times are
-- the database's clock in milliseconds, so nodes with skewed clocks still agree on who is live.
CREATE TABLE nodes (
  id           TEXT PRIMARY KEY,
  address      TEXT NOT NULL,
  started_at   BIGINT NOT NULL,
  heartbeat_at BIGINT NOT NULL
);

-- Which node sends a subscription's deliveries (or flushes a broadcast receiver) until when.
-- A row is taken over only once expires_at has passed; its owner renews it every heartbeat.
-- Only written on PostgreSQL; one SQLite process owns everything without a row.
CREATE TABLE leases (
  subscription_id TEXT PRIMARY KEY,
  owner           TEXT NOT NULL,
  expires_at      BIGINT NOT NULL
);
CREATE INDEX leases_by_owner ON leases (owner);
