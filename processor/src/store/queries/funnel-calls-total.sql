-- How many calls funnel-calls.sql lists in all (the same filter, no page).
SELECT count() AS total
FROM ({{funnel_calls}})
WHERE service = {service_idx:UInt32} AND k = {k:UInt64} AND {{figure}} = 1
  AND ({any_option:UInt8} = 1 OR option = {option:String})
SETTINGS join_use_nulls = 0
