-- Per agent: answered stints and the integer talk sums AHT is computed from (kpi-definitions §4:
-- sum(talk) / answered with known talk). Bounds as in wait-distribution.sql.
WITH toDateTime(parseDateTime64BestEffort({from:String}, 3, {tz:String})) AS from_t,
     toDateTime(parseDateTime64BestEffort({to:String}, 3, {tz:String})) AS to_t
SELECT agent, count() AS answered,
       sumIf(assumeNotNull(talk_s), talk_s IS NOT NULL) AS talk_sum,
       countIf(talk_s IS NOT NULL) AS talk_n
FROM stints FINAL
WHERE enter_ts >= from_t AND enter_ts < to_t
  AND outcome = 'answered' AND agent != ''
  AND (empty({queues:Array(String)}) OR has({queues:Array(String)}, queue))
GROUP BY agent
ORDER BY agent
