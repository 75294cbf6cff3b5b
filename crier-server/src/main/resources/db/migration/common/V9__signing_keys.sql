-- The deployment's Ed25519 keys for v1a webhook signatures. Generation 1 is made on first need;
-- each rotation adds the next generation and gives the ones before it a retires_at (the end of
-- the overlap in which old and new both sign). A key signs and is published until retires_at;
-- the current key has none. The private key is sealed under the master key, like webhook secrets.
-- Times are milliseconds since the epoch.
CREATE TABLE signing_keys (
  generation  INTEGER PRIMARY KEY,
  kid         TEXT NOT NULL UNIQUE,
  public_key  TEXT NOT NULL,
  private_key TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  retires_at  BIGINT
);
