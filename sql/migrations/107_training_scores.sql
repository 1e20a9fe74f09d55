-- Training / knowledge evaluations of agents (issue 17): one score per agent, test and date.
-- Entered in the QA area or imported by CSV; the same (agent, test, date) again replaces the
-- score (newest updated_at wins), so a re-import is idempotent. removed = deleted by an editor.
CREATE TABLE IF NOT EXISTS training_scores (
  agent String,
  test String,
  date Date,
  score Float64,
  pass_mark Float64,
  entered_by String,
  removed Bool DEFAULT false,
  updated_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (agent, test, date);
