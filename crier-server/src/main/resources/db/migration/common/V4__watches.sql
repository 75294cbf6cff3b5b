-- Watches are subscriptions of kind 'watch' on a subject path pattern (seed 003).
ALTER TABLE subscriptions ADD COLUMN pattern TEXT;
-- The overlap rules read one endpoint's watches.
CREATE INDEX subscriptions_by_kind_url ON subscriptions (kind, url);

-- Watch ids are numbers, like Noah's ("id":"8").
INSERT INTO counters (name, value) VALUES ('watch', 0);

-- Named locks: a transaction that upserts a row here holds it until it ends, so checks that
-- span several rows (a watch must not overlap another of its endpoint) run one at a time on
-- PostgreSQL; SQLite's IMMEDIATE transactions are serial already.
CREATE TABLE locks (
  name TEXT PRIMARY KEY
);
