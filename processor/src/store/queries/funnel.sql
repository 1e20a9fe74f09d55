-- The call funnel (kpi-definitions §13): calls, not stints. One call = the CDR legs of one
-- linkedid (Asterisk 12+ with newcdrcolumns), else of one uniqueid (1.8/11, or 13+ without the
-- new columns). A call belongs to the service of its first leg that matches a rule (rule arrays
-- from core/funnel.ts ruleParams); its time is its first leg's start. Stints join a call by
-- callid = the uniqueid of one of its legs; the IVR option comes from the configured source.
-- Idempotent without FINAL on cdr and queue_events: every per-call fact is a min/max/argMax or a
-- count of stints (stints read FINAL), so a CDR row or an event stored twice changes nothing.
-- Legs and stints are read from {lo_s} to {hi_s} (the range widened by FUNNEL_MARGIN_S) so a call
-- that started just before the range is not cut, and a call's queue stint after its end is seen.
-- Answered within T: the T of the answering stint's queue in force at its enter time, from the
-- resolver's plan (pieces of time and groups of queues: grp_* arrays; '' = every other queue).
WITH
  legs AS (
    SELECT
      if(linkedid != '', linkedid, uniqueid) AS call_key,
      uniqueid, start, ifNull(sequence, 0) AS seq, lastapp, lastdata, userfield,
      arrayFirstIndex((c, d) -> (c = '' OR c = dcontext) AND (d = '' OR d = if(did != '', did, dst)),
                      {rule_context:Array(String)}, {rule_did:Array(String)}) AS rule
    FROM cdr
    WHERE site = {site:String}
      AND start >= toDateTime({lo_s:Int64}, 'UTC') AND start < toDateTime({hi_s:Int64}, 'UTC')
  ),
  calls AS (
    SELECT
      call_key,
      min(start) AS call_start,
      -- The first leg (by start, then sequence) that matches a rule names the service; ties by the lower rule.
      argMinIf(rule, (start, seq, rule), rule > 0) AS first_rule,
      argMaxIf(userfield, (start, seq), userfield != '') AS opt_userfield,
      argMaxIf(extract(lastdata, {ivr_pattern:String}), (start, seq), lastapp = {ivr_app:String}) AS opt_lastdata,
      max(lastapp = 'Queue') AS queue_app
    FROM legs
    GROUP BY call_key
    HAVING first_rule > 0
       AND call_start >= toDateTime({from_s:Int64}, 'UTC') AND call_start < toDateTime({to_s:Int64}, 'UTC')
  ),
  keys AS (
    SELECT uniqueid, min(l.call_key) AS key
    FROM legs AS l
    WHERE l.call_key IN (SELECT call_key FROM calls)
    GROUP BY uniqueid
  ),
  stint_facts AS (
    SELECT
      k.key AS call_key,
      count() AS n,
      countIf(s.outcome != 'refused') AS entered,
      countIf(s.outcome = 'answered') AS answered_n,
      argMinIf(s.within, s.enter_ts, s.outcome = 'answered') AS answered_within,
      argMinIf(s.queue, s.enter_ts, s.outcome = 'answered') AS answer_queue,
      argMaxIf(s.outcome, s.enter_ts, s.outcome != 'refused') AS last_outcome
    FROM (
      SELECT
        callid, queue, outcome, enter_ts,
        arrayCount(x -> x <= toUnixTimestamp(enter_ts), {piece_from:Array(Int64)}) AS piece,
        arrayFirstIndex((p, q) -> p = piece AND q = queue, {grp_piece:Array(UInt32)}, {grp_queue:Array(String)}) AS own,
        if(own > 0, own, arrayFirstIndex((p, q) -> p = piece AND q = '', {grp_piece:Array(UInt32)}, {grp_queue:Array(String)})) AS g,
        outcome = 'answered' AND wait_s IS NOT NULL
          AND if(arrayElement({grp_strict:Array(UInt8)}, g) = 1,
                 assumeNotNull(wait_s) < arrayElement({grp_t:Array(Int64)}, g),
                 assumeNotNull(wait_s) <= arrayElement({grp_t:Array(Int64)}, g)) AS within
      FROM stints FINAL
      WHERE site = {site:String}
        AND enter_ts >= toDateTime({lo_s:Int64}, 'UTC') AND enter_ts < toDateTime({hi_s:Int64}, 'UTC')
    ) AS s
    INNER JOIN keys AS k ON s.callid = k.uniqueid
    GROUP BY call_key
  ),
  options AS (
    SELECT k.key AS call_key, argMax(e.opt, (e.ts, e.offset)) AS opt
    FROM (
      SELECT callid, ts, offset, if(verb = 'INFO', data[2], data[1]) AS opt
      FROM queue_events
      WHERE {ivr_source:String} = 'queue_log'
        AND site = {site:String}
        AND ts >= toDateTime({lo_s:Int64}, 'UTC') AND ts < toDateTime({hi_s:Int64}, 'UTC')
        AND custom
        AND (verb = {ivr_verb:String} OR (verb = 'INFO' AND data[1] = 'IVRAPPEND'))
    ) AS e
    INNER JOIN keys AS k ON e.callid = k.uniqueid
    GROUP BY call_key
  ),
  judged AS (
    SELECT
      c.first_rule AS rule,
      arrayElement({rule_service:Array(UInt32)}, c.first_rule) AS service,
      multiIf(
        {by:String} = 'month', toUInt64(toYYYYMM(c.call_start, {tz:String})),
        {by:String} = 'day', toUInt64(toYYYYMMDD(c.call_start, {tz:String})),
        {by:String} = 'hour', intDiv(toYYYYMMDDhhmmss(c.call_start, {tz:String}), 10000),
        intDiv(toYYYYMMDDhhmmss(toStartOfFifteenMinutes(c.call_start), {tz:String}), 100)
      ) AS k,
      multiIf({ivr_source:String} = 'userfield', c.opt_userfield, {ivr_source:String} = 'lastdata', c.opt_lastdata, o.opt) AS option,
      st.n AS n, st.entered AS entered, st.answered_n AS answered_n, st.answered_within AS answered_within,
      st.answer_queue AS answer_queue, st.last_outcome AS last_outcome,
      st.n > 0 OR c.queue_app OR has(arrayElement({agent_options:Array(Array(String))}, service), option) AS asked
    FROM calls AS c
    LEFT JOIN stint_facts AS st ON st.call_key = c.call_key
    LEFT JOIN options AS o ON o.call_key = c.call_key
  )
SELECT
  service, k, option,
  count() AS ingresadas,
  countIf(asked) AS asked_agent,
  countIf(asked AND n = 0) AS lost_before_queue,
  countIf(n > 0 AND entered = 0) AS refused,
  countIf(entered > 0) AS offered,
  countIf(answered_n > 0) AS answered,
  countIf(answered_n > 0 AND answered_within) AS answered_within,
  countIf(entered > 0 AND answered_n = 0 AND last_outcome = 'abandoned') AS abandoned,
  groupUniqArrayIf(answer_queue, answered_n > 0) AS answer_queues
FROM judged
GROUP BY service, k, option
ORDER BY service, k, option
SETTINGS join_use_nulls = 0
