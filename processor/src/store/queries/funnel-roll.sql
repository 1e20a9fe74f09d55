-- The funnel rollup's rows of the calls starting in [from_s, to_s) (rollup/funnel-roll.ts): the
-- per-call figures of the scan itself (funnel-calls-judged.sql, the one definition) summed per
-- 15-minute UTC bucket of the call's start, service, IVR option, answering queue and answering
-- wait (whole seconds, -1 when not answered or unknown), so "answered within T" is judged at read
-- time (funnel-rolled.sql) with the T in force, for any T; and one row per bucket of the range
-- with service '' stating the settings judged under (stamp), calls or not. One INSERT, at
-- generation gen; the generic job's rollup_done row, written after, makes gen the bucket's.
INSERT INTO funnel_roll (site, bucket, gen, stamp, service, option, answer_queue, wait_s, ingresadas, ivr_only, asked_agent,
                         lost_before_queue, refused, offered, answered, abandoned, other_exit)
SELECT
  {site:String}, toStartOfFifteenMinutes(call_start) AS b, {gen:UInt64}, {stamp:String},
  arrayElement({service_names:Array(String)}, service) AS svc, option,
  if(f_answered = 1, answer_queue, '') AS aq, if(f_answered = 1, answer_wait, -1) AS w,
  sum(f_ingresadas), sum(f_ivr_only), sum(f_asked_agent), sum(f_lost_before_queue), sum(f_refused),
  sum(f_offered), sum(f_answered), sum(f_abandoned), sum(f_other_exit)
FROM ({{funnel_calls}})
GROUP BY b, svc, option, aq, w
UNION ALL
SELECT {site:String}, toDateTime(b, 'UTC'), {gen:UInt64}, {stamp:String}, '', '', '', -1, 0, 0, 0, 0, 0, 0, 0, 0, 0
FROM (SELECT arrayJoin(arrayMap(i -> {from_s:Int64} + i * 900, range(toUInt64(intDiv({to_s:Int64} - {from_s:Int64}, 900))))) AS b)
SETTINGS join_use_nulls = 0
