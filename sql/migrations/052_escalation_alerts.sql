-- "Ticket became overdue" alerts already raised, one per (site, ticket, due date), so a restart
-- never raises them again. A ticket whose due date changes (type changed, reopened) may alert again.
CREATE TABLE IF NOT EXISTS escalation_alerts (
  site LowCardinality(String),
  ticket_id String,
  due_at DateTime('UTC'),
  area String,
  ticket_type LowCardinality(String),
  alerted_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree
ORDER BY (site, ticket_id, due_at);
