-- How long answered and abandoned callers waited, as counts per wait bucket. Bucket i (1-based)
-- holds waits in [edges[i], edges[i+1]); the last one is open-ended. Unknown waits are left out
-- (kpi-definitions §11). Bounds are local times in {tz} unless they carry an offset; `to` is exclusive.
WITH toDateTime(parseDateTime64BestEffort({from:String}, 3, {tz:String})) AS from_t,
     toDateTime(parseDateTime64BestEffort({to:String}, 3, {tz:String})) AS to_t
SELECT outcome, arraySum(arrayMap(e -> toInt64(assumeNotNull(wait_s) >= e), {edges:Array(Int64)})) AS bucket, count() AS calls
FROM stints FINAL
WHERE enter_ts >= from_t AND enter_ts < to_t
  AND outcome IN ('answered', 'abandoned') AND wait_s IS NOT NULL
  AND (empty({queues:Array(String)}) OR has({queues:Array(String)}, queue))
GROUP BY outcome, bucket
ORDER BY outcome, bucket
