-- Scheme 1 of the stint fingerprint, kept only to compare months closed with it (before
-- 2026-12) with the data they were closed from: a different scheme would make every such month
-- warn that its data changed. Its flaw: cityHash64 is NULL when talk_s or wait_s is NULL, and
-- sum() skips NULLs, so unanswered stints change the count but not the hash. New closings use
-- scheme 2 (stint-fingerprint.sql).
-- Fingerprint of the stints of a site over a range: their count and the wrapping UInt64 sum of
-- a hash of every column a report figure depends on. A sum is order-independent, so the same
-- set of stints gives the same fingerprint whatever the part layout or merge state; any late,
-- changed or re-imported stint changes it. FINAL: a duplicate insert is the same stint.
SELECT
  count() AS stints,
  sum(cityHash64(stint_id, queue, enter_ts, outcome, wait_s, talk_s, agent)) AS hash
FROM stints FINAL
WHERE site = {site:String}
  AND enter_ts >= toDateTime({from_s:Int64}, 'UTC')
  AND enter_ts < toDateTime({to_s:Int64}, 'UTC')
