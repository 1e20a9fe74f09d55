-- What a kiosk link shows (issue 19): the sites and the queues its wallboard receives on the live
-- feed; empty = every site / every queue (the links made before this migration keep showing all).
ALTER TABLE kiosk_tokens ADD COLUMN IF NOT EXISTS sites Array(String) DEFAULT [];
ALTER TABLE kiosk_tokens ADD COLUMN IF NOT EXISTS queues Array(String) DEFAULT [];
