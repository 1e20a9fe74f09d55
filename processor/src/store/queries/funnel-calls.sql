-- The calls behind one figure of one funnel row (GET /api/funnel/calls): the calls of the shared
-- fragment (funnel-calls-judged.sql) of that service and period key (and IVR option when asked)
-- whose per-call figure column (f_<figure>, named by the read module from its fixed list) is 1,
-- in call start order. Their number `total` is the row's figure (funnel.sql sums the same
-- column); `row_queues` are the queues that answered any call of the row (its definition's T).
-- Both ride on every call of the page, so the fragment is read once.
SELECT call_key, start_s, option, uniqueids, src, answer_queue, last_outcome, total, row_queues
FROM (
  SELECT
    call_key, call_start, toUnixTimestamp(call_start) AS start_s, option, uniqueids, src, answer_queue, last_outcome,
    {{figure}} = 1 AND ({any_option:UInt8} = 1 OR option = {option:String}) AS listed,
    countIf(listed) OVER () AS total,
    groupUniqArrayIf(answer_queue, f_answered = 1) OVER () AS row_queues
  FROM ({{funnel_calls}})
  WHERE service = {service_idx:UInt32} AND k = {k:UInt64}
)
WHERE listed
ORDER BY call_start, call_key
LIMIT {limit:UInt32} OFFSET {offset:UInt64}
SETTINGS join_use_nulls = 0
