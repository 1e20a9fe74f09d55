-- Rejected lines (dead letters) per source and reason since a time, with the newest one as a sample.
SELECT site, source, reason, count() AS lines,
       toUnixTimestamp(max(rejected_at)) AS last_rejected_s,
       argMax(line_no, rejected_at) AS sample_line_no,
       substring(argMax(raw, rejected_at), 1, 200) AS sample_raw
FROM dead_letters FINAL
WHERE rejected_at >= toDateTime({since_s:Int64}, 'UTC')
GROUP BY site, source, reason
ORDER BY site, source, lines DESC, reason
