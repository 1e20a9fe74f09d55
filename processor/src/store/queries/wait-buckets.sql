-- How long counted answered and abandoned callers waited, as counts per wait bucket. Bucket i
-- (1-based) holds waits in [edges[i], edges[i+1]); the last one is open-ended. Unknown waits are
-- left out (kpi-definitions §11); short abandons and out-of-hours stints leave it like every figure.
SELECT outcome, arraySum(arrayMap(e -> toInt64(assumeNotNull(wait_s) >= e), {edges:Array(Int64)})) AS bucket, sum(n) AS calls
FROM ({{stints}})
WHERE counted AND outcome IN ('answered', 'abandoned') AND wait_s IS NOT NULL
GROUP BY outcome, bucket
ORDER BY outcome, bucket
SETTINGS do_not_merge_across_partitions_select_final = 1
