-- Per agent and pause reason: seconds paused inside the range on one site (closed pauses only,
-- clipped to the range). A PAUSEALL is stored once per queue with the same start: those rows are
-- one pause, so they are folded by (agent, reason, start) before summing. The queue filter keeps
-- the pauses taken in the wanted queues.
SELECT agent, reason, toInt64(sum(secs)) AS pause_s
FROM (
  SELECT agent, reason,
         greatest(0, least(toInt64(toUnixTimestamp(max(end_ts))), {to_s:Int64}) - greatest(toInt64(toUnixTimestamp(start_ts)), {from_s:Int64})) AS secs
  FROM agent_pauses FINAL
  WHERE site = {site:String}
    AND start_ts < toDateTime({to_s:Int64}, 'UTC') AND end_ts > toDateTime({from_s:Int64}, 'UTC')
    AND (empty({queues:Array(String)}) OR has({queues:Array(String)}, queue))
  GROUP BY agent, reason, start_ts
)
GROUP BY agent, reason
ORDER BY agent, reason
