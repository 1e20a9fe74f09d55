-- Integer KPI sums per queue and local period, from ended stints (kpi-definitions §3-§4, §11).
-- The ratios are computed from these sums by processor/src/core/kpi-math.ts figures(), so the
-- math has one definition; the classification below mirrors addStint() (a test compares them).
-- The stints come classified by the shared fragment (stints-classified.sql); FINAL there never
-- needs to merge across partitions (do_not_merge_across_partitions_select_final lets it work per
-- partition). Speed (10,000,000 stints): rows are grouped by the integer period key and only the
-- ~hundred result keys are formatted.
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
FROM ({{stints}})
GROUP BY queue, k
ORDER BY queue, period
SETTINGS do_not_merge_across_partitions_select_final = 1
