-- Fingerprint of the stints of a site over a range: their count and the wrapping UInt64 sum of
-- a hash of each stint. The hash covers every stored field that can change a figure (queue,
-- callid, times, outcome, waits, talk, agent, caller, transferred, enter_seen); only bookkeeping
-- is left out (commit_id, end_event_id: which commit or event stored the same stint).
-- The fields are hashed as one tuple: cityHash64 of separate arguments is NULL as soon as one
-- is NULL (talk_s of every unanswered stint, wait_s of an unknown wait), and sum() skips NULLs,
-- so the previous form left every unanswered stint out of the hash. A tuple hashes NULL as a
-- value of its own, distinct from 0.
-- A sum is order-independent, so the same set of stints gives the same fingerprint whatever
-- the part layout or merge state; any late, changed or re-imported stint changes it. FINAL: a
-- stint inserted twice (same sorting key) is one stint, counted and hashed once.
SELECT
  count() AS stints,
  sum(cityHash64(tuple(stint_id, queue, callid, enter_ts, end_ts, outcome, wait_s, talk_s, agent, caller, transferred, enter_seen))) AS hash
FROM stints FINAL
WHERE site = {site:String}
  AND enter_ts >= toDateTime({from_s:Int64}, 'UTC')
  AND enter_ts < toDateTime({to_s:Int64}, 'UTC')
