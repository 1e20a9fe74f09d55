-- The stints of one piece and definition group (the shared fragment, stints-classified.sql), each
-- with the figures of its KPI row it is counted in. The membership of each figure mirrors the
-- sums (kpi-sums.sql for the counts, kpi-math.ts withDefinition() for offered and the service
-- level's terms under {formula} and {count_refused}): the calls test compares every figure of a
-- month with the KPI rows, so a rule changed in one place and not the other fails it.
SELECT
  stint_id, queue, callid, k, toUnixTimestamp(enter_ts) AS enter_s, toUnixTimestamp(end_ts) AS end_s,
  caller, wait_s, talk_s, outcome, agent, transferred, in_hours, short, within,
  arrayFilter(x -> x != '', [
    if(counted AND (outcome != 'refused' OR {count_refused:Bool}), 'offered', ''),
    if(counted AND outcome = 'answered', 'answered', ''),
    if(counted AND outcome = 'answered' AND within, 'answered_within', ''),
    if(counted AND outcome NOT IN ('answered', 'refused'), 'unanswered', ''),
    if(counted AND outcome NOT IN ('answered', 'refused'), toString(outcome), ''),
    if(counted AND outcome = 'refused', 'refused', ''),
    if(included AND short, 'short_abandoned', ''),
    if(outcome != 'cut_by_restart' AND NOT in_hours, 'out_of_hours', ''),
    if(outcome = 'cut_by_restart', 'cut_by_restart', ''),
    -- A_T is in every formula's numerator; U_T only in in_threshold_outcomes'.
    if(counted AND within AND (outcome = 'answered'
      OR ({formula:String} = 'in_threshold_outcomes' AND outcome NOT IN ('answered', 'refused'))), 'sl_numerator', ''),
    -- A is in every formula's denominator; the rest as withDefinition() says.
    if(counted AND multiIf(
      outcome = 'answered', true,
      outcome = 'refused', {formula:String} = 'offered' AND {count_refused:Bool},
      {formula:String} IN ('offered', 'in_threshold_outcomes'), true,
      {formula:String} = 'answered_abandoned', outcome = 'abandoned',
      {formula:String} = 'abandon_after_threshold', outcome = 'abandoned' AND NOT within,
      false), 'sl_denominator', '')
  ]) AS figures
FROM ({{stints}})
