-- Store-side fencing of the partitioned processors (issue 19, docs/partitions.md "Fencing").
-- One row per acquisition of a lease item: its epoch is the lease revision the new holder wrote
-- (JetStream KV sequences only grow, so a later holder always has a larger epoch). A holder
-- writes its row before it rebuilds the partition's state from the store; every insert of an
-- owned partition stores its rows only if max(epoch) of its item is still the holder's own
-- (INSERT ... SELECT ... WHERE (SELECT max(epoch) ...) = <epoch>, evaluated by the store when the
-- insert runs), so an insert of a fenced holder that arrives late stores nothing.
CREATE TABLE IF NOT EXISTS partition_fences (
  item LowCardinality(String),
  epoch UInt64,
  member String,
  claimed_at DateTime64(3, 'UTC')
) ENGINE = MergeTree
ORDER BY (item, epoch);
