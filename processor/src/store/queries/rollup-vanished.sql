  SELECT bucket AS b, queue, outcome, wait_s, toUInt64(0) AS n, toInt64(0) AS talk_sum, toUInt64(0) AS talk_n
  FROM stint_rollup FINAL
  WHERE site = {site:String} AND level = {level:UInt32}
    AND bucket >= toDateTime({from_s:Int64}, 'UTC') AND bucket < toDateTime({to_s:Int64}, 'UTC')
    AND arrayExists((x, y) -> toInt64(toUnixTimestamp(bucket)) >= x AND toInt64(toUnixTimestamp(bucket)) < y, {runs_from:Array(Int64)}, {runs_to:Array(Int64)})
