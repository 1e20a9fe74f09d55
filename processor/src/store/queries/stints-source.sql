-- Source of the shared fragment (stints-classified.sql): the stints of one site and time range,
-- one row each (n = 1). FINAL: a stint re-inserted after a redelivery is one stint. Every version
-- of a stint has the same enter_ts, so the same month partition: FINAL never needs to merge
-- across partitions. The runs placeholder keeps only some runs of the range (the rest is read
-- from the rollup) or is `true`.
SELECT
  queue, agent, outcome, wait_s, talk_s,
  toUInt64(1) AS n, ifNull(talk_s, 0) AS talk_sum, toUInt64(talk_s IS NOT NULL) AS talk_n,
  stint_id, callid, enter_ts, end_ts, caller, transferred
FROM stints FINAL
WHERE site = {site:String}
  AND enter_ts >= toDateTime({from_s:Int64}, 'UTC')
  AND enter_ts < toDateTime({to_s:Int64}, 'UTC')
  AND (empty({queues:Array(String)}) OR has({queues:Array(String)}, queue))
  AND (empty({exclude_queues:Array(String)}) OR NOT has({exclude_queues:Array(String)}, queue))
  AND ({{runs}})
