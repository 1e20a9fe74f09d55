-- The call funnel's calls, one row each (kpi-definitions §13): the one SQL fragment the funnel
-- (funnel.sql: sums of the per-call figures below) and the list of a figure's calls
-- (funnel-calls.sql) both read, as `FROM ({{funnel_calls}})` (conventions "One truth").
-- Calls, not stints. One call = the CDR legs of one
-- linkedid (Asterisk 12+ with newcdrcolumns), else of one uniqueid (1.8/11, or 13+ without the
-- new columns); the call_key placeholder below is that rule (core/funnel.ts CDR_CALL_KEY_SQL, by
-- which a call's story reads its legs too). A call belongs to the service of its first leg that
-- matches a rule (rule arrays from core/funnel.ts ruleParams); its time is its first leg's start. Stints join a call by
-- callid = the uniqueid of one of its legs; the IVR option comes from the configured source.
-- Idempotent without FINAL on cdr and queue_events: every per-call fact is a min/max/argMax or a
-- count of stints (stints read FINAL), so a CDR row or an event stored twice changes nothing.
-- Legs and stints are read from {lo_s} to {hi_s} (the range widened by FUNNEL_MARGIN_S) so a call
-- that started just before the range is not cut, and a call's queue stint after its end is seen.
-- Answered within T: the T of the answering stint's queue in force at its enter time, from the
-- resolver's plan (pieces of time and groups of queues: grp_* arrays; '' = every other queue).
-- Speed: each table is read once (CTEs are inlined, so none is referenced twice): the calls with
-- the list of their uniqueids, the stints and the IVR events each folded per callid, then one
-- join per uniqueid and one fold per call.
WITH
  calls AS (
    SELECT
      call_key,
      min(start) AS call_start,
      -- The first leg (by start, then sequence) that matches a rule names the service; ties by the lower rule.
      argMinIf(rule, (start, seq, rule), rule > 0) AS first_rule,
      argMaxIf(userfield, (start, seq), userfield != '') AS opt_userfield,
      argMaxIf(extract(lastdata, {ivr_pattern:String}), (start, seq), lastapp = {ivr_app:String}) AS opt_lastdata,
      max(lastapp = 'Queue') AS queue_app,
      groupUniqArray(uniqueid) AS uids,
      -- What a list of the funnel's calls shows (funnel-calls.sql); the aggregate selects none of it.
      arrayDistinct(arrayMap(x -> x.3, arraySort(groupArray((start, seq, uniqueid))))) AS uids_in_order,
      argMin(src, (start, seq)) AS first_src
    FROM (
      SELECT
        {{cdr_call_key}} AS call_key,
        uniqueid, start, ifNull(sequence, 0) AS seq, lastapp, lastdata, userfield, src,
        arrayFirstIndex((c, d) -> (c = '' OR c = dcontext) AND (d = '' OR d = if(did != '', did, dst)),
                        {rule_context:Array(String)}, {rule_did:Array(String)}) AS rule
      FROM cdr
      WHERE site = {site:String}
        AND start >= toDateTime({lo_s:Int64}, 'UTC') AND start < toDateTime({hi_s:Int64}, 'UTC')
    )
    GROUP BY call_key
    HAVING first_rule > 0
       AND call_start >= toDateTime({from_s:Int64}, 'UTC') AND call_start < toDateTime({to_s:Int64}, 'UTC')
  ),
  stints_by_callid AS (
    SELECT
      callid,
      count() AS n,
      countIf(outcome != 'refused') AS entered,
      countIf(outcome = 'answered') AS answered_n,
      minIf(enter_ts, outcome = 'answered') AS first_answer_ts,
      -- The first answering stint's queue, within-T yes/no and wait (-1: unknown) from one row,
      -- so the rollup's wait histogram (funnel-roll.sql) judges "within T" as this scan does.
      argMinIf((queue, within, ifNull(wait_s, -1)), enter_ts, outcome = 'answered') AS first_answer,
      maxIf(enter_ts, outcome != 'refused') AS last_ts,
      argMaxIf(outcome, enter_ts, outcome != 'refused') AS last_outcome
    FROM (
      SELECT
        callid, queue, outcome, enter_ts, wait_s,
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
    )
    GROUP BY callid
  ),
  options_by_callid AS (
    SELECT callid, argMax(opt, (ts, offset)) AS opt, max((ts, offset)) AS opt_at
    FROM (
      SELECT callid, ts, offset, if(verb = 'INFO', data[2], data[1]) AS opt
      FROM queue_events
      WHERE {ivr_source:String} = 'queue_log'
        AND site = {site:String}
        AND ts >= toDateTime({lo_s:Int64}, 'UTC') AND ts < toDateTime({hi_s:Int64}, 'UTC')
        AND custom
        AND (verb = {ivr_verb:String} OR (verb = 'INFO' AND data[1] = 'IVRAPPEND'))
    )
    GROUP BY callid
  ),
  per_call AS (
    SELECT
      c.call_key AS call_key,
      any(c.call_start) AS call_start,
      any(c.first_rule) AS first_rule,
      any(c.opt_userfield) AS opt_userfield,
      any(c.opt_lastdata) AS opt_lastdata,
      any(c.queue_app) AS queue_app,
      any(c.uids_in_order) AS uniqueids,
      any(c.first_src) AS src,
      sum(s.n) AS n,
      sum(s.entered) AS entered,
      sum(s.answered_n) AS answered_n,
      argMinIf(s.first_answer, s.first_answer_ts, s.answered_n > 0) AS answer,
      answer.1 AS answer_queue,
      answer.2 AS answer_within,
      answer.3 AS answer_wait,
      argMaxIf(s.last_outcome, s.last_ts, s.entered > 0) AS last_outcome,
      argMaxIf(o.opt, o.opt_at, o.callid != '') AS opt_queue_log
    FROM (SELECT call_key, call_start, first_rule, opt_userfield, opt_lastdata, queue_app, uids_in_order, first_src, uid FROM calls ARRAY JOIN uids AS uid) AS c
    LEFT JOIN stints_by_callid AS s ON s.callid = c.uid
    LEFT JOIN options_by_callid AS o ON o.callid = c.uid
    GROUP BY c.call_key
  ),
  judged AS (
    SELECT
      arrayElement({rule_service:Array(UInt32)}, first_rule) AS service,
      {{period_key:call_start}} AS k,
      multiIf({ivr_source:String} = 'userfield', opt_userfield, {ivr_source:String} = 'lastdata', opt_lastdata, opt_queue_log) AS option,
      call_key, call_start, uniqueids, src, n, entered, answered_n, answer_within, answer_queue, answer_wait, last_outcome,
      n > 0 OR queue_app OR has(arrayElement({agent_options:Array(Array(String))}, service), option) AS asked
    FROM per_call
  )
-- Each count column of a funnel row as a per-call yes (1) / no (0); the funnel sums them, a
-- figure's list is the calls with a 1. Identities: ingresadas = ivr_only + asked_agent;
-- asked_agent = offered + refused + lost_before_queue; offered = answered + abandoned + other_exit.
SELECT
  service, k, option, call_key, call_start, uniqueids, src, answer_queue, answer_wait, last_outcome,
  toUInt8(1) AS f_ingresadas,
  toUInt8(NOT asked) AS f_ivr_only,
  toUInt8(asked) AS f_asked_agent,
  toUInt8(asked AND n = 0) AS f_lost_before_queue,
  toUInt8(n > 0 AND entered = 0) AS f_refused,
  toUInt8(entered > 0) AS f_offered,
  toUInt8(answered_n > 0) AS f_answered,
  toUInt8(answered_n > 0 AND answer_within) AS f_answered_within,
  toUInt8(entered > 0 AND answered_n = 0 AND last_outcome = 'abandoned') AS f_abandoned,
  toUInt8(f_offered = 1 AND f_answered = 0 AND f_abandoned = 0) AS f_other_exit
FROM judged
