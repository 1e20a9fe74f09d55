-- Rejected lines (dead letters) per source and reason since a time, with the newest one as a sample.
-- A row stands for `lines` rejected lines (more than 1: a counter of lines beyond the per-minute
-- bound, kpi-definitions §11), so the counts are sums, exact however many rows were kept.
SELECT site, source, reason, sum(lines) AS lines,
       toUnixTimestamp(max(rejected_at)) AS last_rejected_s,
       argMax(line_no, rejected_at) AS sample_line_no,
       substring(argMax(raw, rejected_at), 1, 200) AS sample_raw
FROM dead_letters FINAL
WHERE rejected_at >= toDateTime({since_s:Int64}, 'UTC')
GROUP BY site, source, reason
ORDER BY site, source, lines DESC, reason
