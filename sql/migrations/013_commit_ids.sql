-- The processor stores many JetStream messages with one insert per table (a "commit"), rows
-- first, queue_events last. commit_id numbers those groups, increasing. After a crash only the
-- newest commit can be incomplete (its rows stored, its events not); at start the processor reads
-- the rows of the newest commit so that re-processing the same events does not store them twice
-- (processor/src/service.ts). 0 = stored before this migration (one message per insert).
ALTER TABLE stints ADD COLUMN IF NOT EXISTS commit_id UInt64 DEFAULT 0;
ALTER TABLE agent_sessions ADD COLUMN IF NOT EXISTS commit_id UInt64 DEFAULT 0;
ALTER TABLE agent_pauses ADD COLUMN IF NOT EXISTS commit_id UInt64 DEFAULT 0;
