-- Apps (OAuth integrations registered by the provider) and the access tokens issued to them.
-- Tokens are looked up by their SHA-256; a sealed copy fills the signed_request's access_token.
CREATE TABLE apps (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  url        TEXT NOT NULL,
  secret     TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE tokens (
  id           TEXT PRIMARY KEY,
  app_id       TEXT NOT NULL,
  token_hash   TEXT NOT NULL UNIQUE,
  token_sealed TEXT NOT NULL,
  account      TEXT NOT NULL,
  user_id      TEXT,
  sub_domain   TEXT,
  scope        TEXT NOT NULL,
  permissions  TEXT NOT NULL,
  expires_at   BIGINT,
  revoked_at   BIGINT,
  created_at   BIGINT NOT NULL,
  updated_at   BIGINT NOT NULL
);
CREATE INDEX tokens_by_app ON tokens (app_id);

-- A subscription made with an app token belongs to that token, its app and its account.
ALTER TABLE subscriptions ADD COLUMN owner_app TEXT;
ALTER TABLE subscriptions ADD COLUMN owner_account TEXT;
CREATE INDEX subscriptions_by_owner ON subscriptions (owner);

-- An event type may name its notification scope when the plural of its resource is irregular.
ALTER TABLE event_types ADD COLUMN scope TEXT;
