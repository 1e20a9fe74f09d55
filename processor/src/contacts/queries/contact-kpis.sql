-- Contacts of other channels per channel and period (kpi-definitions §15). The one read of every
-- channel figure: contact-query.ts binds the parameters and rounds the ratios.
-- A contact counts in the period of its arrival (local to {tz}); the row kept is its latest
-- state (FINAL). Settings: each contact is judged by the version in force when it arrived
-- (ver_from, one threshold/basis/strict per version and channel, channels in {channels} order).
-- Business seconds: B(t) = day_before[day of t] + the open seconds of that day before t, from the
-- site calendar's open intervals per local day (business-time.ts); a business duration is
-- B(b) - B(a). Days past the parameters' last one count as closed.
WITH
  {channels:Array(String)} AS chans,
  {ver_from:Array(Int64)} AS vfrom,
  {thr:Array(Array(Int64))} AS vthr,
  {basis:Array(Array(UInt8))} AS vbasis,
  {strict:Array(Array(UInt8))} AS vstrict,
  {day0:Int64} AS d0,
  {day_before:Array(Int64)} AS dbefore,
  {day_ranges:Array(Array(Array(Int64)))} AS dranges,
  {total_s:Int64} AS dtotal
SELECT
  channel,
  k,
  count() AS received,
  countIf(fr > 0) AS answered,
  countIf(outcome = 'abandoned') AS abandoned,
  countIf(outcome = 'unanswered') AS unanswered,
  countIf(fr = 0 AND outcome = '') AS waiting,
  countIf(fr > 0 AND if(c_strict = 1, frt < c_thr, frt <= c_thr)) AS answered_within,
  sumIf(frt, fr > 0) AS frt_sum,
  maxIf(frt, fr > 0) AS frt_max,
  countIf(fr > 0 AND en > 0) AS handled,
  sumIf(en - fr, fr > 0 AND en > 0) AS handle_sum,
  countIf(length(rating_dims) > 0) AS rated,
  sumMap(rating_dims, arrayMap(x -> toUInt64(1), rating_scores)) AS r_n,
  sumMap(rating_dims, arrayMap(x -> toUInt64(x), rating_scores)) AS r_sum,
  sumMap(rating_dims, arrayMap(x -> toUInt64(x >= 4), rating_scores)) AS r_top
FROM (
  SELECT
    channel, outcome, rating_dims, rating_scores,
    -- A number per period (202612, 20261207, 2026120714), written as text by contact-query.ts.
    multiIf(
      {by:String} = 'month', toUInt64(toYYYYMM(arrived, {tz:String})),
      {by:String} = 'day', toUInt64(toYYYYMMDD(arrived, {tz:String})),
      intDiv(toYYYYMMDDhhmmss(arrived, {tz:String}), 10000)) AS k,
    toInt64(toUInt32(arrived)) AS ar,
    toInt64(toUInt32(first_response)) AS fr,
    toInt64(toUInt32(ended)) AS en,
    indexOf(chans, channel) AS ci,
    -- The newest-numbered version already valid at arrival (versions in version order; valid_from need not grow).
    arrayLastIndex(x -> x <= ar, vfrom) AS vi,
    vthr[vi][ci] AS c_thr,
    vbasis[vi][ci] AS c_basis,
    vstrict[vi][ci] AS c_strict,
    toInt64(toDate(arrived, {tz:String})) - d0 + 1 AS ia,
    toInt64(toDate(first_response, {tz:String})) - d0 + 1 AS ib,
    if(c_basis = 1 AND fr > 0,
      if(ib > length(dbefore), dtotal, dbefore[ib] + arraySum(r -> greatest(toInt64(0), least(fr, r[2]) - r[1]), dranges[ib]))
      - if(ia > length(dbefore), dtotal, dbefore[ia] + arraySum(r -> greatest(toInt64(0), least(ar, r[2]) - r[1]), dranges[ia])),
      fr - ar) AS frt
  FROM contacts FINAL
  WHERE site = {site:String}
    AND arrived >= toDateTime({from_s:Int64}, 'UTC') AND arrived < toDateTime({to_s:Int64}, 'UTC')
    AND (empty({only:Array(String)}) OR has({only:Array(String)}, channel))
)
GROUP BY channel, k
ORDER BY channel, k
