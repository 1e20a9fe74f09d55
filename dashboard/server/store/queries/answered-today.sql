-- Answered stints per agent since the start of the site's day (kpi-definitions §1: a stint
-- belongs to the day of its ENTERQUEUE, in the site's time zone).
SELECT site, agent, count() AS answered
FROM stints FINAL
WHERE outcome = 'answered' AND agent != ''
  AND enter_ts >= toStartOfDay(toDateTime({now_s:Int64}, {tz:String}))
GROUP BY site, agent
