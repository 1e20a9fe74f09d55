-- Server-side sessions and the audit trail (issue 14).
-- sessions is append-only: a 'start' row when a login issues a session and an 'end' row when it
-- is logged out or ended by a password, role or account change. A session is valid while it has
-- a start and no end, so the answer never depends on which row a merge keeps or on clocks of
-- several dashboard processes agreeing. The id is the SHA-256 of the cookie's nonce.
CREATE TABLE IF NOT EXISTS sessions (
  session_id String,
  username String,
  event LowCardinality(String),
  reason LowCardinality(String),
  at DateTime64(3, 'UTC'),
  expires_at DateTime64(3, 'UTC')
) ENGINE = MergeTree
ORDER BY session_id;

-- Who did what, when and from where: failed logins, lockouts, logins, logouts, password, role
-- and account changes. Generic on purpose (issue 17 extends it): detail is a JSON object as text.
-- Never holds a password.
CREATE TABLE IF NOT EXISTS audit_log (
  at DateTime64(3, 'UTC'),
  actor String,
  action LowCardinality(String),
  target String,
  address String,
  detail String
) ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (at, action);
