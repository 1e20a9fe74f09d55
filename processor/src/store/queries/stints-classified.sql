-- The one SQL fragment every stored KPI read shares (conventions "One truth"): the stints of one
-- site and time range, each classified by the definition in force for it (kpi-definitions §3,
-- §6, §11): in hours by the site calendar (evaluated in the calendar's own time zone), short
-- abandon, within T (inclusive or strict), included (not cut by a restart; in hours unless
-- include_out_of_hours) and counted (included and not a short abandon). `k` is the integer key
-- of the stint's local period in {tz}. Queries select from it as `FROM ({{stints}})`; the read
-- module (kpi-query.ts) cuts the range where the definition changes and runs each piece alone.
-- The rows come from a source (stints-source.sql: one row per stint, n = 1; or rollup-source.sql:
-- one row per rolled bucket, queue, outcome and wait second, weighted by n, its time the bucket's
-- start, read only for buckets wholly in one period and wholly in or out of hours): queries sum
-- n, never count rows, so both give the same figures (issue 18, docs/kpi-definitions.md §12.1).
SELECT
  queue, agent, outcome, wait_s, talk_s, n, talk_sum, talk_n,
  -- What a list of calls shows (calls.sql); a query that selects none of them reads none.
  stint_id, callid, enter_ts, end_ts, caller, transferred,
  multiIf(
    {by:String} = 'month', toUInt64(toYYYYMM(enter_ts, {tz:String})),
    {by:String} = 'day', toUInt64(toYYYYMMDD(enter_ts, {tz:String})),
    {by:String} = 'hour', intDiv(toYYYYMMDDhhmmss(enter_ts, {tz:String}), 10000),
    intDiv(toYYYYMMDDhhmmss(toStartOfFifteenMinutes(enter_ts), {tz:String}), 100)
  ) AS k,
  -- Opening hours only when the site has a calendar (a short-circuit `if` on a constant).
  if({always_open:Bool}, true,
    NOT has({holidays:Array(String)}, toString(toDate(enter_ts, {cal_tz:String})))
    AND arrayExists((a, b) -> a <= toHour(enter_ts, {cal_tz:String}) * 3600 + toMinute(enter_ts, {cal_tz:String}) * 60 + toSecond(enter_ts, {cal_tz:String})
                              AND toHour(enter_ts, {cal_tz:String}) * 3600 + toMinute(enter_ts, {cal_tz:String}) * 60 + toSecond(enter_ts, {cal_tz:String}) < b,
                    arrayElement({range_from:Array(Array(UInt32))}, toDayOfWeek(enter_ts, 0, {cal_tz:String})),
                    arrayElement({range_to:Array(Array(UInt32))}, toDayOfWeek(enter_ts, 0, {cal_tz:String})))) AS in_hours,
  outcome = 'abandoned' AND wait_s IS NOT NULL AND wait_s < {short_abandon_s:Int64} AS short,
  wait_s IS NOT NULL AND if({strict:Bool}, wait_s < {threshold_s:Int64}, wait_s <= {threshold_s:Int64}) AS within,
  outcome != 'cut_by_restart' AND (in_hours OR {include_out_of_hours:Bool}) AS included,
  included AND NOT short AS counted
FROM ({{source}})
