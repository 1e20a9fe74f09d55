-- The rolled buckets of [from_s, to_s) as the funnel read may take them (store/funnel-query.ts):
-- per bucket and generation (its row with service ''), whether it was judged under the settings
-- in force (stamp) and whether all its calls have one period key (its first and last second share
-- the key: any bucket for a zone at a whole quarter-hour offset). Which generation is the
-- bucket's, and whether it is clean, is the generic rollup's state (rollup_done, rollup_marks).
SELECT toUInt32(bucket) AS b, gen, stamp = {stamp:String} AND {{period_key:bucket}} = {{period_key:bucket + 899}} AS ok
FROM funnel_roll
WHERE site = {site:String} AND service = ''
  AND bucket >= toDateTime({from_s:Int64}, 'UTC') AND bucket < toDateTime({to_s:Int64}, 'UTC')
