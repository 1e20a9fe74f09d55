-- Answered stints per queue and agent over a range (the report's "by agent" sheet), counted
-- exactly as kpi-sums.sql counts answered stints: not cut by a restart, in hours unless
-- include_out_of_hours (short abandons never touch answered stints). FINAL: one row per stint.
SELECT
  queue,
  agent,
  count() AS answered,
  sumIf(assumeNotNull(wait_s), wait_s IS NOT NULL) AS answered_wait_sum,
  countIf(wait_s IS NOT NULL) AS answered_wait_n,
  sumIf(assumeNotNull(talk_s), talk_s IS NOT NULL) AS talk_sum,
  countIf(talk_s IS NOT NULL) AS talk_n
FROM (
  SELECT
    queue, agent, wait_s, talk_s,
    toHour(enter_ts, {tz:String}) * 3600 + toMinute(enter_ts, {tz:String}) * 60 + toSecond(enter_ts, {tz:String}) AS sod,
    {always_open:Bool}
      OR (NOT has({holidays:Array(String)}, toString(toDate(enter_ts, {tz:String})))
          AND arrayExists((a, b) -> a <= sod AND sod < b,
                          arrayElement({range_from:Array(Array(UInt32))}, toDayOfWeek(enter_ts, 0, {tz:String})),
                          arrayElement({range_to:Array(Array(UInt32))}, toDayOfWeek(enter_ts, 0, {tz:String})))) AS in_hours
  FROM stints FINAL
  WHERE site = {site:String}
    AND enter_ts >= toDateTime({from_s:Int64}, 'UTC')
    AND enter_ts < toDateTime({to_s:Int64}, 'UTC')
    AND outcome = 'answered'
    AND (empty({queues:Array(String)}) OR has({queues:Array(String)}, queue))
    AND (empty({exclude_queues:Array(String)}) OR NOT has({exclude_queues:Array(String)}, queue))
)
WHERE in_hours OR {include_out_of_hours:Bool}
GROUP BY queue, agent
ORDER BY queue, agent
