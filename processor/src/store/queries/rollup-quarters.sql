-- The stint rollup's level-900 rows of some quarter runs of one site (migration 121), read from
-- the stints as they are now, at version {gen}; plus a zeroing row for every key the rollup held
-- there that the stints no longer have (rollup-vanished.sql: FINAL then yields the newest state of every
-- key). One row per wait second: the 1-second histogram that keeps every threshold exact.
INSERT INTO stint_rollup (site, level, bucket, queue, outcome, wait_s, n, talk_sum, talk_n, gen)
SELECT {site:String}, {level:UInt32}, b, queue, outcome, wait_s, sum(n), sum(talk_sum), sum(talk_n), {gen:UInt64}
FROM (
  SELECT toStartOfFifteenMinutes(enter_ts) AS b, queue, outcome, ifNull(wait_s, -1) AS wait_s,
         toUInt64(1) AS n, ifNull(talk_s, 0) AS talk_sum, toUInt64(talk_s IS NOT NULL) AS talk_n
  FROM stints FINAL
  WHERE site = {site:String}
    AND enter_ts >= toDateTime({from_s:Int64}, 'UTC') AND enter_ts < toDateTime({to_s:Int64}, 'UTC')
    AND arrayExists((x, y) -> toInt64(toUnixTimestamp(enter_ts)) >= x AND toInt64(toUnixTimestamp(enter_ts)) < y, {runs_from:Array(Int64)}, {runs_to:Array(Int64)})
  UNION ALL
{{vanished}}
)
GROUP BY b, queue, outcome, wait_s
SETTINGS do_not_merge_across_partitions_select_final = 1
