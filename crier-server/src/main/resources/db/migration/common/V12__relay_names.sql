-- A relay name belongs to the first account that used it, for good: a listener on relay:<name>
-- hears what is sent there, so a name freed in one account must never carry another's deliveries.
-- account is '' for webhooks made with the admin key (the provider's own).
CREATE TABLE relay_names (
  name       TEXT PRIMARY KEY,
  account    TEXT NOT NULL,
  claimed_at BIGINT NOT NULL
);
INSERT INTO relay_names (name, account, claimed_at)
  SELECT substr(url, 7), MIN(COALESCE(owner_account, '')), MIN(created_at)
  FROM subscriptions WHERE kind = 'webhook' AND url LIKE 'relay:%' GROUP BY substr(url, 7);
