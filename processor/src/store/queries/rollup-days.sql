-- The stint rollup's level-86400 rows of some UTC day runs of one site, summed from the days'
-- level-900 rows (every quarter of them is clean when the job calls this), at version {gen},
-- plus zeroing rows for vanished keys (rollup-vanished.sql), as rollup-quarters.sql.
INSERT INTO stint_rollup (site, level, bucket, queue, outcome, wait_s, n, talk_sum, talk_n, gen)
SELECT {site:String}, {level:UInt32}, b, queue, outcome, wait_s, sum(n), sum(talk_sum), sum(talk_n), {gen:UInt64}
FROM (
  SELECT toStartOfDay(bucket) AS b, queue, outcome, wait_s, n, talk_sum, talk_n
  FROM stint_rollup FINAL
  WHERE site = {site:String} AND level = 900
    AND bucket >= toDateTime({from_s:Int64}, 'UTC') AND bucket < toDateTime({to_s:Int64}, 'UTC')
    AND arrayExists((x, y) -> toInt64(toUnixTimestamp(bucket)) >= x AND toInt64(toUnixTimestamp(bucket)) < y, {runs_from:Array(Int64)}, {runs_to:Array(Int64)})
  UNION ALL
{{vanished}}
)
GROUP BY b, queue, outcome, wait_s
SETTINGS do_not_merge_across_partitions_select_final = 1
