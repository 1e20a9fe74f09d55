-- The calls behind one figure of one funnel row (GET /api/funnel/calls): the calls of the shared
-- fragment (funnel-calls-judged.sql) of that service and period key (and IVR option when asked)
-- whose per-call figure column (f_<figure>, named by the read module from its fixed list)
-- is 1, in call start order. Their number is the row's figure (funnel.sql sums the same column).
SELECT call_key, toUnixTimestamp(call_start) AS start_s, option, uniqueids, src, answer_queue, last_outcome
FROM ({{funnel_calls}})
WHERE service = {service_idx:UInt32} AND k = {k:UInt64} AND {{figure}} = 1
  AND ({any_option:UInt8} = 1 OR option = {option:String})
ORDER BY call_start, call_key
LIMIT {limit:UInt32} OFFSET {offset:UInt64}
SETTINGS join_use_nulls = 0
