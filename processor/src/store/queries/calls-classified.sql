-- The stints of one piece and definition group (the shared fragment, stints-classified.sql), each
-- with the figures of its KPI row it is counted in. The membership of each figure mirrors the
-- sums (kpi-sums.sql for the counts, kpi-math.ts withDefinition() for offered and the service
-- level's terms under {formula} and {count_refused}): the calls test compares every figure of a
-- month with the KPI rows, so a rule changed in one place and not the other fails it.
-- Each membership is a column of its own (f_*), which the list's filter reads (a figure's list
-- then never builds the array of names for a million stints); `figures` names them for a row.
SELECT
  stint_id, queue, callid, k, toUnixTimestamp(enter_ts) AS enter_s, toUnixTimestamp(end_ts) AS end_s,
  caller, wait_s, talk_s, outcome, agent, transferred, in_hours, short, within,
  counted AND (outcome != 'refused' OR {count_refused:Bool}) AS f_offered,
  counted AND outcome = 'answered' AS f_answered,
  f_answered AND within AS f_answered_within,
  counted AND outcome NOT IN ('answered', 'refused') AS f_unanswered,
  counted AND outcome = 'refused' AS f_refused,
  included AND short AS f_short_abandoned,
  outcome != 'cut_by_restart' AND NOT in_hours AS f_out_of_hours,
  outcome = 'cut_by_restart' AS f_cut_by_restart,
  -- A_T is in every formula's numerator; U_T only in in_threshold_outcomes'.
  counted AND within AND (outcome = 'answered'
    OR ({formula:String} = 'in_threshold_outcomes' AND outcome NOT IN ('answered', 'refused'))) AS f_sl_numerator,
  -- A is in every formula's denominator; the rest as withDefinition() says.
  counted AND multiIf(
    outcome = 'answered', true,
    outcome = 'refused', {formula:String} = 'offered' AND {count_refused:Bool},
    {formula:String} IN ('offered', 'in_threshold_outcomes'), true,
    {formula:String} = 'answered_abandoned', outcome = 'abandoned',
    {formula:String} = 'abandon_after_threshold', outcome = 'abandoned' AND NOT within,
    false) AS f_sl_denominator,
  arrayFilter(x -> x != '', [
    if(f_offered, 'offered', ''),
    if(f_answered, 'answered', ''),
    if(f_answered_within, 'answered_within', ''),
    if(f_unanswered, 'unanswered', ''),
    -- Each unanswered outcome is a figure of its own (abandoned, timeout, exit_key...).
    if(f_unanswered, toString(outcome), ''),
    if(f_refused, 'refused', ''),
    if(f_short_abandoned, 'short_abandoned', ''),
    if(f_out_of_hours, 'out_of_hours', ''),
    if(f_cut_by_restart, 'cut_by_restart', ''),
    if(f_sl_numerator, 'sl_numerator', ''),
    if(f_sl_denominator, 'sl_denominator', '')
  ]) AS figures
FROM ({{stints}})
