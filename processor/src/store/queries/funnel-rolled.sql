-- The funnel's groups (as funnel.sql returns them) from rolled buckets (funnel-roll.sql): the
-- buckets and generations the read module found clean and judged under the settings in force
-- (the generic rollup's state, funnel-roll-plan.sql). Answered within T: each answering queue's T and strictness in force at
-- the bucket (the bucket is scanned instead when the queues' definitions change within its calls'
-- reach), by the same piece/group lookup as the scan's per-stint one.
SELECT
  indexOf({service_names:Array(String)}, service) AS service,
  {{period_key:bucket}} AS k,
  option,
  sum(r_ingresadas) AS ingresadas,
  sum(r_ivr_only) AS ivr_only,
  sum(r_asked_agent) AS asked_agent,
  sum(r_lost_before_queue) AS lost_before_queue,
  sum(r_refused) AS refused,
  sum(r_offered) AS offered,
  sum(r_answered) AS answered,
  sumIf(r_answered, wait_s >= 0
    AND if(arrayElement({grp_strict:Array(UInt8)}, g) = 1,
           wait_s < arrayElement({grp_t:Array(Int64)}, g),
           wait_s <= arrayElement({grp_t:Array(Int64)}, g))) AS answered_within,
  sum(r_abandoned) AS abandoned,
  sum(r_other_exit) AS other_exit,
  groupUniqArrayIf(answer_queue, r_answered > 0) AS answer_queues
FROM (
  SELECT
    bucket, service, option, answer_queue, wait_s,
    ingresadas AS r_ingresadas, ivr_only AS r_ivr_only, asked_agent AS r_asked_agent, lost_before_queue AS r_lost_before_queue, refused AS r_refused,
    offered AS r_offered, answered AS r_answered, abandoned AS r_abandoned, other_exit AS r_other_exit,
    arrayCount(x -> x <= toUnixTimestamp(bucket), {piece_from:Array(Int64)}) AS piece,
    arrayFirstIndex((p, q) -> p = piece AND q = answer_queue, {grp_piece:Array(UInt32)}, {grp_queue:Array(String)}) AS own,
    if(own > 0, own, arrayFirstIndex((p, q) -> p = piece AND q = '', {grp_piece:Array(UInt32)}, {grp_queue:Array(String)})) AS g
  FROM funnel_roll
  WHERE site = {site:String}
    AND bucket >= toDateTime({from_s:Int64}, 'UTC') AND bucket < toDateTime({to_s:Int64}, 'UTC')
    AND service != ''
    AND (toUInt32(bucket), gen) IN (SELECT arrayJoin(arrayZip({ok_bucket:Array(UInt32)}, {ok_gen:Array(UInt64)})))
)
GROUP BY service, k, option
