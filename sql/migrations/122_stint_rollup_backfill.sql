-- Stints stored before the rollup existed: every bucket holding some is marked dirty, so the
-- rollup job (processor/src/rollup/) rolls it up; until then queries scan it.
INSERT INTO rollup_marks (kind, site, bucket)
SELECT 'stints', site, toStartOfFifteenMinutes(enter_ts) AS bucket FROM stints GROUP BY site, bucket;
