-- Source of the shared fragment (stints-classified.sql) from the stint rollup (migration 121):
-- one row per rolled bucket, queue, outcome and wait second, weighted by n, at the bucket's start.
-- The runs placeholder names the clean buckets to read (levels and ranges, chosen by
-- kpi-rollup.ts); FINAL gives the newest version of every key (a zeroed key has n = 0).
SELECT
  queue, '' AS agent, outcome, if(wait_s < 0, NULL, wait_s) AS wait_s, CAST(NULL, 'Nullable(Int64)') AS talk_s,
  n, talk_sum, talk_n,
  '' AS stint_id, '' AS callid, bucket AS enter_ts, bucket AS end_ts, '' AS caller, false AS transferred
FROM stint_rollup FINAL
WHERE site = {site:String}
  AND bucket >= toDateTime({from_s:Int64}, 'UTC')
  AND bucket < toDateTime({to_s:Int64}, 'UTC')
  AND (empty({queues:Array(String)}) OR has({queues:Array(String)}, queue))
  AND (empty({exclude_queues:Array(String)}) OR NOT has({exclude_queues:Array(String)}, queue))
  AND ({{runs}})
