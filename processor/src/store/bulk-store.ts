// The bulk writer of `tablero import` (issues 16 and 18): the same rows as the live store
// (store.ts), in a cheaper insert format for events and CDR rows (stints go in as the live
// store's TabSeparated rows, dirty marks included: the exact rollups must see them). Rows go to ClickHouse as JSONCompactEachRow (one JSON
// array per row, the values in an explicit column order) instead of JSONEachRow objects: the
// values are serialized by the same JSON.stringify, so every stored value is the same, but the
// store no longer matches a key name per value (A/B on this machine, chDB CPU per row: 7.5 us as
// JSONEachRow, 5.3 as JSONCompactEachRow). Everything else (tokens, the order of the inserts,
// refusals, the reads at start) is the live store's: exactly-once is unchanged (commit-store.ts).
// The received event JSON is not passed through here (`passThroughJson` false): its objects are
// what the reducer already holds, and arrays of them cost less for the store than the text.
import type { CdrRecord, QueueEvent } from '@tablero/ingest/contract';
import { TABLES, type ClickHouse } from '@tablero/sql';
import { EVENT_COLUMNS } from './row-format.ts';
import { ProcessorStoreError, type ProcessorStore } from './store.ts';

/** cdr columns (migration 090; row_key is computed by the table). */
export const CDR_COLUMNS = [
  'event_id', 'site', 'source', 'offset', 'layout', 'accountcode', 'src', 'dst', 'dcontext', 'clid', 'channel', 'dstchannel',
  'lastapp', 'lastdata', 'start', 'answer', 'end', 'duration', 'billsec', 'disposition', 'amaflags', 'uniqueid', 'userfield',
  'peeraccount', 'linkedid', 'sequence', 'did',
] as const;

const eventRow = (e: QueueEvent): string =>
  JSON.stringify([
    e.event_id, e.site, e.source, e.offset, e.ts, e.callid, e.queue, e.agent, e.verb, e.custom,
    e.wait_s, e.talk_s, e.ring_ms, e.position, e.orig_position, e.caller, e.info, e.data,
  ]);
const cdrRow = (r: CdrRecord): string =>
  JSON.stringify([
    r.event_id, r.site, r.source, r.offset, r.layout, r.accountcode, r.src, r.dst, r.dcontext, r.clid, r.channel, r.dstchannel,
    r.lastapp, r.lastdata, r.start, r.answer, r.end, r.duration, r.billsec, r.disposition, r.amaflags, r.uniqueid, r.userfield,
    r.peeraccount, r.linkedid, r.sequence, r.did ?? '',
  ]);

/** Lines of JSON arrays, built in one string (a commit of ~100,000 events is ~25 MB). */
function lines<T>(rows: readonly T[], row: (r: T) => string): string {
  let out = '';
  for (let i = 0; i < rows.length; i++) out += (i === 0 ? '' : '\n') + row(rows[i] as T);
  return out;
}

/**
 * The live store with the bulk inserts of the import: queue_events and cdr as JSONCompactEachRow
 * (columns as the live store's, row-format.ts). Stints (TabSeparated, with their rollup's dirty
 * marks), agent intervals, dead letters and every read are the live store's.
 */
export function bulkStore(live: ProcessorStore, ch: ClickHouse): ProcessorStore {
  async function insertCompact(table: string, columns: readonly string[], body: string, token: string): Promise<void> {
    if (body.length === 0) return;
    try {
      // optimize_on_insert 0 as the live store (rows unique by construction). A commit's body is
      // tens of MB: parsed in parallel chunks of 4 MiB (the default 10 MiB left it to one thread).
      await ch.insertFormatted(
        table,
        'JSONCompactEachRow',
        body,
        { insert_deduplication_token: token, optimize_on_insert: 0, min_chunk_bytes_for_parallel_parsing: 4 * 2 ** 20 },
        columns,
      );
    } catch (err) {
      throw new ProcessorStoreError(`insert into ${table} failed (token ${token})`, { cause: err });
    }
  }
  return {
    ...live,
    passThroughJson: false,
    insertEvents: (e, token) => insertCompact(TABLES.queueEvents, EVENT_COLUMNS, lines(e, eventRow), token),
    insertCdr: (r, token) => insertCompact(TABLES.cdr, CDR_COLUMNS, lines(r, cdrRow), token),
  };
}
