-- Integer KPI sums per queue and local period, from ended stints (kpi-definitions §3-§4, §11).
-- The ratios are computed from these sums by processor/src/core/kpi-math.ts figures(), so the
-- math has one definition; the classification below mirrors addStint() (a test compares them).
-- FINAL: a stint re-inserted after a redelivery is one stint. Every version of a stint has the
-- same enter_ts, so the same month partition: FINAL never needs to merge across partitions
-- (the query sets do_not_merge_across_partitions_select_final, which lets it work per partition).
-- Speed (10,000,000 stints): rows are grouped by an integer period key (toYYYYMM & co. in the
-- time zone) and only the ~hundred result keys are formatted; opening hours are evaluated only
-- when the site has a calendar (short-circuit `if` on a constant).
SELECT
  queue,
  multiIf(
    {by:String} = 'month', concat(substring(toString(k), 1, 4), '-', substring(toString(k), 5, 2)),
    {by:String} = 'day', concat(substring(toString(k), 1, 4), '-', substring(toString(k), 5, 2), '-', substring(toString(k), 7, 2)),
    {by:String} = 'hour', concat(substring(toString(k), 1, 4), '-', substring(toString(k), 5, 2), '-', substring(toString(k), 7, 2), 'T', substring(toString(k), 9, 2)),
    concat(substring(toString(k), 1, 4), '-', substring(toString(k), 5, 2), '-', substring(toString(k), 7, 2), 'T', substring(toString(k), 9, 2), ':', substring(toString(k), 11, 2))
  ) AS period,
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
      {by:String} = 'month', toUInt64(toYYYYMM(enter_ts, {tz:String})),
      {by:String} = 'day', toUInt64(toYYYYMMDD(enter_ts, {tz:String})),
      {by:String} = 'hour', intDiv(toYYYYMMDDhhmmss(enter_ts, {tz:String}), 10000),
      intDiv(toYYYYMMDDhhmmss(toStartOfFifteenMinutes(enter_ts), {tz:String}), 100)
    ) AS k,
    if({always_open:Bool}, true,
      NOT has({holidays:Array(String)}, toString(toDate(enter_ts, {tz:String})))
      AND arrayExists((a, b) -> a <= toHour(enter_ts, {tz:String}) * 3600 + toMinute(enter_ts, {tz:String}) * 60 + toSecond(enter_ts, {tz:String})
                                AND toHour(enter_ts, {tz:String}) * 3600 + toMinute(enter_ts, {tz:String}) * 60 + toSecond(enter_ts, {tz:String}) < b,
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
GROUP BY queue, k
ORDER BY queue, period
SETTINGS do_not_merge_across_partitions_select_final = 1
