-- Typification and first-contact resolution (kpi-definitions §14): answered stints of one site
-- and range, each with the newest typification event of its call, whether its caller entered
-- the same queue again within the repeat window, and whether the call led to a ticket. Grouped
-- by queue, local period (the answered stint's enter time) and category. Stints FINAL; events
-- and tickets through idempotent aggregates (argMax, DISTINCT), so a copy not merged yet changes nothing.
WITH
  answered AS (
    SELECT
      callid, queue, enter_ts,
      replaceRegexpOne(replaceRegexpAll(caller, '[^0-9]', ''), '^0+', '') AS who,
      multiIf(
        {by:String} = 'month', toUInt64(toYYYYMM(enter_ts, {tz:String})),
        {by:String} = 'day', toUInt64(toYYYYMMDD(enter_ts, {tz:String})),
        {by:String} = 'hour', intDiv(toYYYYMMDDhhmmss(enter_ts, {tz:String}), 10000),
        intDiv(toYYYYMMDDhhmmss(toStartOfFifteenMinutes(enter_ts), {tz:String}), 100)
      ) AS k
    FROM stints FINAL
    WHERE site = {site:String} AND outcome = 'answered'
      AND enter_ts >= toDateTime({from_s:Int64}, 'UTC') AND enter_ts < toDateTime({to_s:Int64}, 'UTC')
      AND (empty({queues:Array(String)}) OR has({queues:Array(String)}, queue))
  ),
  typed AS (
    SELECT
      callid,
      argMax(arrayElement(data, {category_field:UInt32}), (ts, offset)) AS category,
      lower(argMax(arrayElement(data, {result_field:UInt32}), (ts, offset))) AS result
    FROM queue_events
    WHERE site = {site:String} AND custom AND lower(verb) = lower({verb:String})
      AND ts >= toDateTime({from_s:Int64}, 'UTC') AND ts < toDateTime({to_s:Int64} + 86400, 'UTC')
      AND callid IN (SELECT callid FROM answered)
    GROUP BY callid
  ),
  repeated AS (
    SELECT a.callid AS callid, a.queue AS queue
    FROM answered AS a
    INNER JOIN (
      SELECT callid, queue, enter_ts, replaceRegexpOne(replaceRegexpAll(caller, '[^0-9]', ''), '^0+', '') AS who
      FROM stints FINAL
      WHERE site = {site:String} AND outcome != 'cut_by_restart'
        AND enter_ts >= toDateTime({from_s:Int64}, 'UTC') AND enter_ts <= toDateTime({to_s:Int64} + {window_s:Int64}, 'UTC')
    ) AS l ON l.who = a.who AND l.queue = a.queue
    WHERE a.who != '' AND l.callid != a.callid AND l.enter_ts > a.enter_ts AND l.enter_ts <= a.enter_ts + toIntervalSecond({window_s:Int64})
    GROUP BY a.callid, a.queue
  ),
  ticketed AS (
    SELECT DISTINCT call_id FROM ticket_events WHERE call_site = {site:String} AND call_id != ''
  )
SELECT
  a.queue AS queue, a.k AS k, t.category AS category,
  count() AS answered,
  countIf(t.callid != '') AS typified,
  countIf(t.callid != '' AND has({resolved:Array(String)}, t.result)) AS declared_resolved,
  countIf(t.callid != '' AND has({escalated:Array(String)}, t.result)) AS declared_escalated,
  countIf(a.who != '') AS eligible,
  countIf(a.who != '' AND r.callid != '') AS repeat_calls,
  countIf(a.who != '' AND r.callid = '' AND a.callid IN (SELECT call_id FROM ticketed)) AS with_ticket,
  toUnixTimestamp(max(a.enter_ts)) AS newest_s
FROM answered AS a
LEFT JOIN typed AS t ON t.callid = a.callid
LEFT JOIN repeated AS r ON r.callid = a.callid AND r.queue = a.queue
GROUP BY queue, k, category
ORDER BY queue, k, category
SETTINGS join_use_nulls = 0
