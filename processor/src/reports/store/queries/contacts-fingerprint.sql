-- Fingerprint of a site's contacts of other channels arriving in a range (the channels section's
-- source, kpi-definitions §15): their count and the wrapping UInt64 sum of a hash of each
-- contact's identity and state (contact_id, version, outcome). Order-independent; FINAL: the
-- latest state of each contact. A late contact or a later state changes it, so a closed month's
-- channels section can warn that the data moved since closing.
SELECT
  count() AS rows,
  sum(cityHash64(contact_id, version, outcome, channel)) AS hash
FROM contacts FINAL
WHERE site = {site:String}
  AND arrived >= toDateTime({from_s:Int64}, 'UTC')
  AND arrived < toDateTime({to_s:Int64}, 'UTC')
