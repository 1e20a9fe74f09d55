-- Dashboard users (password hashed with scrypt) and revocable kiosk tokens (stored hashed).
-- Rows are versioned by updated_at: the newest row per key wins.
CREATE TABLE IF NOT EXISTS users (
  username String,
  password_hash String,
  role LowCardinality(String),
  lang LowCardinality(String),
  disabled Bool,
  updated_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree(updated_at)
ORDER BY username;

CREATE TABLE IF NOT EXISTS kiosk_tokens (
  token_hash String,
  label String,
  created_by String,
  created_at DateTime64(3, 'UTC'),
  revoked Bool,
  updated_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree(updated_at)
ORDER BY token_hash;
