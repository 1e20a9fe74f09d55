-- The call funnel (kpi-definitions §13): per service, period key and IVR option, the sum of each
-- per-call figure of the shared fragment (funnel-calls-judged.sql), so a figure and the list of
-- its calls (funnel-calls.sql) are one definition.
SELECT
  service, k, option,
  sum(f_ingresadas) AS ingresadas,
  sum(f_ivr_only) AS ivr_only,
  sum(f_asked_agent) AS asked_agent,
  sum(f_lost_before_queue) AS lost_before_queue,
  sum(f_refused) AS refused,
  sum(f_offered) AS offered,
  sum(f_answered) AS answered,
  sum(f_answered_within) AS answered_within,
  sum(f_abandoned) AS abandoned,
  sum(f_other_exit) AS other_exit,
  groupUniqArrayIf(answer_queue, f_answered = 1) AS answer_queues
FROM ({{funnel_calls}})
GROUP BY service, k, option
ORDER BY service, k, option
SETTINGS join_use_nulls = 0
