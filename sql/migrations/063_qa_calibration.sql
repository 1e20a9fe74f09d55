-- Calibration sessions: one call, one form version, invited analysts, a reference analyst or
-- consensus (reference_analyst = ''), a deadline and a tolerance. The analysts' evaluations
-- are rows of qa_evaluations with kind = 'calibration' and this session_id.
CREATE TABLE IF NOT EXISTS qa_calibration_sessions (
  session_id String,
  title String,
  site LowCardinality(String),
  callid String,
  queue String,
  agent String,
  call_ts DateTime('UTC'),
  form_id String,
  form_version UInt32,
  analysts Array(String),
  reference_kind LowCardinality(String),
  reference_analyst String,
  deadline DateTime64(3, 'UTC'),
  tolerance Float64,
  created_by String,
  created_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree
ORDER BY session_id;
