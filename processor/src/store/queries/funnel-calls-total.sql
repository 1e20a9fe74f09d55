-- funnel-calls.sql's total and row_queues alone, for a page past the end (no call carries them).
SELECT
  countIf({{figure}} = 1 AND ({any_option:UInt8} = 1 OR option = {option:String})) AS total,
  groupUniqArrayIf(answer_queue, f_answered = 1) AS row_queues
FROM ({{funnel_calls}})
WHERE service = {service_idx:UInt32} AND k = {k:UInt64}
SETTINGS join_use_nulls = 0
