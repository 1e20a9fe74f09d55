-- Today's abandoned callers, newest first, to call back. `answered_after`: the same number got
-- an answered stint that entered after this abandon ended (already served; no call back needed).
SELECT a.site AS site, a.queue AS queue, a.callid AS callid, a.caller AS caller,
       toUnixTimestamp(a.enter_ts) AS enter_s, toUnixTimestamp(a.end_ts) AS end_s, a.wait_s AS wait_s,
       a.caller != '' AND b.last_enter_s > toUnixTimestamp(a.end_ts) AS answered_after
FROM (
  SELECT site, queue, callid, caller, enter_ts, end_ts, wait_s
  FROM stints FINAL
  WHERE outcome = 'abandoned' AND enter_ts >= toStartOfDay(toDateTime({now_s:Int64}, {tz:String}))
) AS a
LEFT JOIN (
  SELECT site, caller, max(toUnixTimestamp(enter_ts)) AS last_enter_s
  FROM stints FINAL
  WHERE outcome = 'answered' AND caller != '' AND enter_ts >= toStartOfDay(toDateTime({now_s:Int64}, {tz:String}))
  GROUP BY site, caller
) AS b ON a.site = b.site AND a.caller = b.caller
ORDER BY a.enter_ts DESC, a.callid
LIMIT {limit:UInt32}
