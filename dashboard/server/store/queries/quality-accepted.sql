-- Accepted lines (stored queue events) per source since a time, and the newest line's own
-- timestamp (the PBX clock).
SELECT site, source, count() AS lines, toUnixTimestamp(max(ts)) AS last_event_s
FROM queue_events FINAL
WHERE ts >= toDateTime({since_s:Int64}, 'UTC')
GROUP BY site, source
ORDER BY site, source
