-- PQRSD ticket events from CRMs (ingest/src/contract.ts TicketEvent; kpi-definitions §8).
-- event_id is a hash of (site, source, ticket id, event, time), so the same event sent again
-- (a re-imported CSV, a retried push) is the same row and ReplacingMergeTree collapses it.
-- Sorted by (site, ticket_id): a ticket's state is folded from all its events.
-- The call link (call_site, call_id) is read both ways: a ticket shows its call, a call its tickets.
CREATE TABLE IF NOT EXISTS ticket_events (
  event_id String,
  site LowCardinality(String),
  source String,
  ticket_id String,
  action LowCardinality(String),
  ts DateTime('UTC'),
  ticket_type LowCardinality(String),
  channel String,
  area String,
  call_site String,
  call_id String,
  note String
) ENGINE = ReplacingMergeTree
ORDER BY (site, ticket_id, event_id)
SETTINGS non_replicated_deduplication_window = 10000;
