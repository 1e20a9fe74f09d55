-- Teams (which supervisor sees which agent's quality results) and quality settings (recording
-- URL template, default target per agent). The newest row per key wins.
CREATE TABLE IF NOT EXISTS qa_team_members (
  agent String,
  team String,
  supervisor String,
  removed Bool,
  updated_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree(updated_at)
ORDER BY agent;

CREATE TABLE IF NOT EXISTS qa_settings (
  key String,
  value String,
  updated_by String,
  updated_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree(updated_at)
ORDER BY key;
