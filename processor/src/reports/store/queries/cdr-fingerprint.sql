-- Fingerprint of the CDR rows of a site whose start lies in a range (the call funnel's source,
-- kpi-definitions §13): their count and the wrapping UInt64 sum of each row's row_key (the hash
-- of every field of the row, sql/migrations/090_cdr.sql). Order-independent like the stint
-- fingerprint; FINAL: a row stored twice is one row. A late, changed or re-imported CDR row
-- changes it, so a closed month's funnel can warn that the data moved since closing.
SELECT
  count() AS rows,
  sum(row_key) AS hash
FROM cdr FINAL
WHERE site = {site:String}
  AND start >= toDateTime({from_s:Int64}, 'UTC')
  AND start < toDateTime({to_s:Int64}, 'UTC')
