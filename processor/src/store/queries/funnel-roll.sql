-- The funnel rollup's rows of the calls starting in [from_s, to_s) (rollup/funnel-roll.ts): the
-- per-call figures of the scan itself (funnel-calls-judged.sql, the one definition) summed per
-- 15-minute UTC bucket of the call's start, service, IVR option, answering queue and answering
-- wait (whole seconds, -1 when not answered or unknown), so "answered within T" is judged at read
-- time (funnel-rolled.sql) with the T in force, for any T. Written under one generation; the
-- bucket's row in funnel_roll_buckets, written after, makes the generation the bucket's.
INSERT INTO funnel_roll (site, bucket, generation, service, option, answer_queue, wait_s, ingresadas, ivr_only, asked_agent,
                         lost_before_queue, refused, offered, answered, abandoned, other_exit)
SELECT
  {site:String}, toStartOfFifteenMinutes(call_start) AS b, {generation:UInt64},
  arrayElement({service_names:Array(String)}, service) AS svc, option,
  if(f_answered = 1, answer_queue, '') AS aq, if(f_answered = 1, answer_wait, -1) AS w,
  sum(f_ingresadas), sum(f_ivr_only), sum(f_asked_agent), sum(f_lost_before_queue), sum(f_refused),
  sum(f_offered), sum(f_answered), sum(f_abandoned), sum(f_other_exit)
FROM ({{funnel_calls}})
GROUP BY b, svc, option, aq, w
SETTINGS join_use_nulls = 0
