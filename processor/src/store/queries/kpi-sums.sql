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
  sumIf(n, counted AND outcome = 'answered') AS answered,
  sumIf(n, counted AND outcome = 'abandoned') AS abandoned,
  sumIf(n, counted AND outcome = 'timeout') AS timeout,
  sumIf(n, counted AND outcome = 'exit_key') AS exit_key,
  sumIf(n, counted AND outcome = 'exit_empty') AS exit_empty,
  sumIf(n, counted AND outcome = 'withdrawn') AS withdrawn,
  sumIf(n, counted AND outcome = 'failed') AS failed,
  sumIf(n, counted AND outcome = 'refused') AS refused,
  sumIf(n, included AND short) AS short_abandoned,
  sumIf(n, outcome != 'cut_by_restart' AND NOT in_hours) AS out_of_hours,
  sumIf(n, outcome = 'cut_by_restart') AS cut_by_restart,
  sumIf(n, counted AND outcome = 'answered' AND within) AS answered_within,
  sumIf(n, counted AND outcome NOT IN ('answered', 'refused') AND within) AS unanswered_within,
  sumIf(n, counted AND outcome = 'abandoned' AND within) AS abandoned_within,
  sumIf(assumeNotNull(wait_s) * n, counted AND outcome = 'answered' AND wait_s IS NOT NULL) AS answered_wait_sum,
  sumIf(n, counted AND outcome = 'answered' AND wait_s IS NOT NULL) AS answered_wait_n,
  sumIf(assumeNotNull(wait_s) * n, counted AND outcome = 'abandoned' AND wait_s IS NOT NULL) AS abandoned_wait_sum,
  sumIf(n, counted AND outcome = 'abandoned' AND wait_s IS NOT NULL) AS abandoned_wait_n,
  sumIf(talk_sum, counted AND outcome = 'answered') AS talk_sum,
  sumIf(talk_n, counted AND outcome = 'answered') AS talk_n,
  maxIfOrNull(wait_s, n > 0 AND counted AND outcome != 'refused' AND wait_s IS NOT NULL) AS max_wait
FROM ({{stints}})
GROUP BY queue, k
-- A rollup key zeroed by a recompute (n = 0) is no stint: a group of only such keys is no row.
HAVING sum(n) > 0
ORDER BY queue, period
SETTINGS do_not_merge_across_partitions_select_final = 1
