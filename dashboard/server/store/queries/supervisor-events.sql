-- Queue events since a time, in log order (per site: ts, then source, then byte offset), for the
-- supervisor's live fold (dashboard/server/core/supervisor.ts). FINAL: a redelivered event is one row.
SELECT event_id, site, toUnixTimestamp(ts) AS ts, callid, queue, agent, verb, custom, wait_s, caller, info, data
FROM queue_events FINAL
WHERE ts >= toDateTime({from_s:Int64}, 'UTC')
ORDER BY site, ts, replaceRegexpOne(event_id, ':[^:]*$', ''), offset
