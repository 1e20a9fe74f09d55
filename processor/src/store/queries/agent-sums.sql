-- Answered stints per queue and agent (the report's "by agent" sheet, the Reports page's agent
-- performance), counted exactly as kpi-sums.sql counts answered stints (the shared fragment's
-- `counted`), with the integer sums ASA and AHT are computed from.
SELECT
  queue,
  agent,
  count() AS answered,
  sumIf(assumeNotNull(wait_s), wait_s IS NOT NULL) AS answered_wait_sum,
  countIf(wait_s IS NOT NULL) AS answered_wait_n,
  sumIf(assumeNotNull(talk_s), talk_s IS NOT NULL) AS talk_sum,
  countIf(talk_s IS NOT NULL) AS talk_n
FROM ({{stints}})
WHERE counted AND outcome = 'answered'
GROUP BY queue, agent
ORDER BY queue, agent
SETTINGS do_not_merge_across_partitions_select_final = 1
