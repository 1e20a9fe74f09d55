-- Which buckets of [from_s, to_s) a funnel read takes from the rollup: rolled (newest generation)
-- under the settings in force (stamp), with no dirty mark below cleared (funnel_dirty: pending or
-- complete rows not rolled since), and whose calls all have one period key (its first and last
-- second share the key: any bucket for a zone at a whole quarter-hour offset).
SELECT toUInt32(bucket) AS b, gen
FROM (
  SELECT bucket, max(generation) AS gen, argMax(stamp, generation) AS st
  FROM funnel_roll_buckets
  WHERE site = {site:String} AND bucket >= toDateTime({from_s:Int64}, 'UTC') AND bucket < toDateTime({to_s:Int64}, 'UTC')
  GROUP BY bucket
)
WHERE st = {stamp:String}
  AND bucket NOT IN (
    SELECT bucket FROM funnel_dirty
    WHERE site = {site:String} AND bucket >= toDateTime({from_s:Int64}, 'UTC') AND bucket < toDateTime({to_s:Int64}, 'UTC')
    GROUP BY bucket, token
    HAVING max(state) < 2
  )
  AND {{period_key:bucket}} = {{period_key:bucket + 899}}
ORDER BY b
