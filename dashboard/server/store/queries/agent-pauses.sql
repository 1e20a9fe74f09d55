-- Per agent and pause reason: seconds paused inside the range (closed pauses only, clipped to
-- the range). A PAUSEALL is stored once per queue with the same start: those rows are one pause,
-- so they are folded by (site, agent, reason, start) before summing.
WITH toUnixTimestamp(parseDateTime64BestEffort({from:String}, 3, {tz:String})) AS from_s,
     toUnixTimestamp(parseDateTime64BestEffort({to:String}, 3, {tz:String})) AS to_s
SELECT agent, reason, toInt64(sum(secs)) AS pause_s
FROM (
  SELECT agent, reason,
         greatest(0, least(toInt64(toUnixTimestamp(max(end_ts))), toInt64(to_s)) - greatest(toInt64(toUnixTimestamp(start_ts)), toInt64(from_s))) AS secs
  FROM agent_pauses FINAL
  WHERE start_ts < toDateTime(to_s, 'UTC') AND end_ts > toDateTime(from_s, 'UTC')
    AND (empty({queues:Array(String)}) OR has({queues:Array(String)}, queue))
  GROUP BY site, agent, reason, start_ts
)
GROUP BY agent, reason
ORDER BY agent, reason
