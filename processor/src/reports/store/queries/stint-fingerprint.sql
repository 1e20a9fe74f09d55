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
