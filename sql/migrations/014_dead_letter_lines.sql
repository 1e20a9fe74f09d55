-- Bounded rejections (kpi-definitions §11): beyond a number of rows per source and minute, rejected
-- lines are stored as counter rows; `lines` is how many lines a row stands for (1 for a stored
-- line). Counts per reason are sum(lines).
ALTER TABLE dead_letters ADD COLUMN IF NOT EXISTS lines UInt64 DEFAULT 1;
