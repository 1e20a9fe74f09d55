-- The queues a user supervises (issue 20): a supervisor with a non-empty list lists the calls of
-- those queues alone (GET /api/calls, its CSV/XLSX and a call's story); empty = every queue.
ALTER TABLE users ADD COLUMN IF NOT EXISTS queues Array(String) DEFAULT [];
