// Inserts the store itself refuses once their writer was fenced (issue 19, docs/partitions.md
// "Fencing"). A partition's holder has an epoch (the lease revision it acquired with); it writes
// that epoch into partition_fences (migration 130) before it reads the partition's state, and
// every one of its inserts becomes
//
//   INSERT INTO t (cols) SETTINGS insert_deduplication_token = '…', max_execution_time = N
//   SELECT cols FROM format(JSONEachRow, '<cols and types>', $tablero$<rows>$tablero$)
//   WHERE (SELECT max(epoch) FROM partition_fences WHERE item = '<item>') = <epoch>
//
// The rows travel inside the statement, so the store evaluates the epoch only once it holds the
// whole insert: a writer frozen while it sends stores nothing when another holder claimed the
// item meanwhile, whatever the length of the freeze. An insert already past that check when the
// epoch moves lands within max_execution_time; the new holder waits for it (earlierInsertsDone:
// until the server lists no such insert running, at most a grace longer than that) before it
// rebuilds, so it reads those rows. Same statement on a ClickHouse server (HTTP) and in
// embedded chDB; insert_deduplication_token keeps a repeated insert a no-op, and an insert that
// stored nothing records no token (a later holder's insert with the same token is not skipped).
import { TABLES, type ClickHouse } from '@tablero/sql';

export interface StoreFence {
  /** Lease item, e.g. `p3`. */
  item: string;
  /** The holder's epoch (lease revision at acquisition). */
  epoch: number;
  /** max_execution_time of every fenced insert (seconds); the grace must be longer. */
  insertTimeoutS: number;
}

/** `optimizeOnInsert` false: the block is not collapsed on insert (rows unique by construction). */
export type FencedInsert = (table: string, jsonRows: string, token: string, optimizeOnInsert?: boolean) => Promise<void>;

const TAG = '$tablero$';
const READ_SETTINGS = { output_format_json_quote_64bit_integers: 0 } as const;

/** A ClickHouse string literal of `text`: a heredoc when the text allows one (no copy), else escaped. */
function literal(text: string): string {
  if (!text.includes(TAG)) return `${TAG}${text}${TAG}`;
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const quote = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Insertable columns (not MATERIALIZED/ALIAS/EPHEMERAL) of each table, read once. */
function columnsOf(ch: ClickHouse): (table: string) => Promise<{ names: string; structure: string }> {
  const cache = new Map<string, Promise<{ names: string; structure: string }>>();
  return (table) => {
    let p = cache.get(table);
    if (!p) {
      p = (async () => {
        const rs = await ch.client.query({
          query: `SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = {t:String} AND default_kind IN ('', 'DEFAULT') ORDER BY position`,
          query_params: { t: table },
          format: 'JSONEachRow',
        });
        const cols = await rs.json<{ name: string; type: string }>();
        if (cols.length === 0) throw new Error(`no insertable columns found for ${table}`);
        return { names: cols.map((c) => `\`${c.name}\``).join(', '), structure: cols.map((c) => `${c.name} ${c.type}`).join(', ') };
      })();
      p.catch(() => cache.delete(table));
      cache.set(table, p);
    }
    return p;
  };
}

export function fencedInsert(ch: ClickHouse, fence: StoreFence): FencedInsert {
  const columns = columnsOf(ch);
  const check = `(SELECT max(epoch) FROM ${TABLES.partitionFences} WHERE item = ${quote(fence.item)}) = ${Math.trunc(fence.epoch)}`;
  return async (table, jsonRows, token, optimizeOnInsert = true) => {
    if (jsonRows.length === 0) return;
    const { names, structure } = await columns(table);
    const query =
      `INSERT INTO ${table} (${names}) SETTINGS insert_deduplication_token = ${quote(token)}, max_execution_time = ${fence.insertTimeoutS}${optimizeOnInsert ? '' : ', optimize_on_insert = 0'}\n` +
      `SELECT ${names} FROM format(JSONEachRow, ${quote(structure)}, ${literal(jsonRows)})\nWHERE ${check}`;
    // The statement carries the rows: the parser's limit must let it through.
    await ch.client.command({ query, clickhouse_settings: { max_query_size: String(query.length + 1024) } });
  };
}

/** Writes the holder's epoch: from now on only its inserts store rows for the item. */
export async function claimFence(ch: ClickHouse, fence: StoreFence, member: string): Promise<void> {
  await ch.client.insert({
    table: TABLES.partitionFences,
    values: [{ item: fence.item, epoch: fence.epoch, member, claimed_at: Date.now() }],
    format: 'JSONEachRow',
  });
}

/** The item's epoch in force (0 when never claimed). */
export async function currentEpoch(ch: ClickHouse, item: string): Promise<number> {
  const rs = await ch.client.query({
    query: `SELECT max(epoch) AS e FROM ${TABLES.partitionFences} WHERE item = {item:String}`,
    query_params: { item },
    format: 'JSONEachRow',
    clickhouse_settings: READ_SETTINGS,
  });
  const [row] = await rs.json<{ e: unknown }>();
  return Number(row?.e ?? 0);
}

/**
 * After a claim: waits until no insert naming an earlier epoch of the item runs in the store, at
 * most `graceMs`. A ClickHouse server lists a query in system.processes before it evaluates it,
 * so once none is listed every insert that could still pass the old epoch has ended (one that
 * starts later sees the claim and stores nothing). `processList` false (a ClickHouse cluster,
 * where a node lists only its own queries): the whole grace. Resolves with the time waited.
 */
export async function earlierInsertsDone(ch: ClickHouse, fence: StoreFence, graceMs: number, processList: boolean): Promise<number> {
  const t0 = Date.now();
  const deadline = t0 + graceMs;
  const marker = `FROM ${TABLES.partitionFences} WHERE item = ${quote(fence.item)}) = `;
  while (processList && Date.now() < deadline) {
    try {
      const rs = await ch.client.query({
        query: 'SELECT count() AS n FROM system.processes WHERE position(query, {marker:String}) > 0 AND query_id != queryID()',
        query_params: { marker },
        format: 'JSONEachRow',
        clickhouse_settings: READ_SETTINGS,
      });
      const [row] = await rs.json<{ n: unknown }>();
      if (Number(row?.n ?? 1) === 0) return Date.now() - t0;
    } catch {
      // no process list here: the grace decides
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const rest = deadline - Date.now();
  if (rest > 0) await new Promise((r) => setTimeout(r, rest));
  return Date.now() - t0;
}
