-- One master key per database. The first node stores a keyed fingerprint of its key (HMAC-SHA256
-- under the key of a fixed text: it tells keys apart and reveals nothing about them); a node whose
-- key does not match refuses to start. A rotation (crier rotate-master-key) moves it to the new key.
CREATE TABLE master_key (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  fingerprint TEXT NOT NULL,
  changed_at  BIGINT NOT NULL
);

-- A random token per process, written with every heartbeat: a second process heartbeating under
-- the same node id (a copied data directory) is seen by both, and neither claims leases as the other.
ALTER TABLE nodes ADD COLUMN token TEXT;
