-- Integer KPI sums per queue and local period, from ended stints (kpi-definitions §3-§4, §11).
-- The ratios are computed from these sums by processor/src/core/kpi-math.ts figures(), so the
-- math has one definition; the classification below mirrors addStint() (a test compares them).
-- FINAL: a stint re-inserted after a redelivery is one stint.
SELECT
  queue,
  period,
  countIf(counted AND outcome = 'answered') AS answered,
  countIf(counted AND outcome = 'abandoned') AS abandoned,
  countIf(counted AND outcome = 'timeout') AS timeout,
  countIf(counted AND outcome = 'exit_key') AS exit_key,
  countIf(counted AND outcome = 'exit_empty') AS exit_empty,
  countIf(counted AND outcome = 'withdrawn') AS withdrawn,
  countIf(counted AND outcome = 'failed') AS failed,
  countIf(counted AND outcome = 'refused') AS refused,
  countIf(included AND short) AS short_abandoned,
  countIf(outcome != 'cut_by_restart' AND NOT in_hours) AS out_of_hours,
  countIf(outcome = 'cut_by_restart') AS cut_by_restart,
  countIf(counted AND outcome = 'answered' AND within) AS answered_within,
  countIf(counted AND outcome NOT IN ('answered', 'refused') AND within) AS unanswered_within,
  countIf(counted AND outcome = 'abandoned' AND within) AS abandoned_within,
  sumIf(assumeNotNull(wait_s), counted AND outcome = 'answered' AND wait_s IS NOT NULL) AS answered_wait_sum,
  countIf(counted AND outcome = 'answered' AND wait_s IS NOT NULL) AS answered_wait_n,
  sumIf(assumeNotNull(wait_s), counted AND outcome = 'abandoned' AND wait_s IS NOT NULL) AS abandoned_wait_sum,
  countIf(counted AND outcome = 'abandoned' AND wait_s IS NOT NULL) AS abandoned_wait_n,
  sumIf(assumeNotNull(talk_s), counted AND outcome = 'answered' AND talk_s IS NOT NULL) AS talk_sum,
  countIf(counted AND outcome = 'answered' AND talk_s IS NOT NULL) AS talk_n,
  maxIfOrNull(wait_s, counted AND outcome != 'refused' AND wait_s IS NOT NULL) AS max_wait
FROM (
  SELECT
    queue, outcome, wait_s, talk_s,
    multiIf(
      {by:String} = 'month', formatDateTime(enter_ts, '%Y-%m', {tz:String}),
      {by:String} = 'day', formatDateTime(enter_ts, '%Y-%m-%d', {tz:String}),
      {by:String} = 'hour', formatDateTime(enter_ts, '%Y-%m-%dT%H', {tz:String}),
      formatDateTime(toStartOfFifteenMinutes(enter_ts), '%Y-%m-%dT%H:%i', {tz:String})
    ) AS period,
    toHour(enter_ts, {tz:String}) * 3600 + toMinute(enter_ts, {tz:String}) * 60 + toSecond(enter_ts, {tz:String}) AS sod,
    {always_open:Bool}
      OR (NOT has({holidays:Array(String)}, toString(toDate(enter_ts, {tz:String})))
          AND arrayExists((a, b) -> a <= sod AND sod < b,
                          arrayElement({range_from:Array(Array(UInt32))}, toDayOfWeek(enter_ts, 0, {tz:String})),
                          arrayElement({range_to:Array(Array(UInt32))}, toDayOfWeek(enter_ts, 0, {tz:String})))) AS in_hours,
    outcome = 'abandoned' AND wait_s IS NOT NULL AND wait_s < {short_abandon_s:Int64} AS short,
    wait_s IS NOT NULL AND if({strict:Bool}, wait_s < {threshold_s:Int64}, wait_s <= {threshold_s:Int64}) AS within,
    outcome != 'cut_by_restart' AND (in_hours OR {include_out_of_hours:Bool}) AS included,
    included AND NOT short AS counted
  FROM stints FINAL
  WHERE site = {site:String}
    AND enter_ts >= toDateTime({from_s:Int64}, 'UTC')
    AND enter_ts < toDateTime({to_s:Int64}, 'UTC')
    AND (empty({queues:Array(String)}) OR has({queues:Array(String)}, queue))
    AND (empty({exclude_queues:Array(String)}) OR NOT has({exclude_queues:Array(String)}, queue))
)
GROUP BY queue, period
ORDER BY queue, period
