// Test support: the stored tables of a data directory as rows, to compare two ways of storing
// the same input row by row (bulk vs live path, an import killed and re-run vs a clean one).
// Left out only what is not a fact of the data: `commit_id` (how the processor happened to group
// the messages), a dead letter's `rejected_at` (the wall clock of the rejection); and `source`,
// the label of the way a line came, is compared without the `import:` an import puts before the
// file's path (the event ids, which carry the file's fingerprint and the line's offset, are equal).
import { expect } from 'vitest';
import { openClickHouse } from '@tablero/sql';

/** Tables compared, with the columns left out and the sort (every column, so row order is total). */
const TABLES: Array<[table: string, except: string[]]> = [
  ['queue_events', []],
  ['stints', ['commit_id']],
  ['agent_sessions', ['commit_id']],
  ['agent_pauses', ['commit_id']],
  ['dead_letters', ['rejected_at']],
  ['cdr', []],
];

export interface StoredTables {
  /** Per table: rows as JSON arrays (every column but the excepted), sorted. */
  rows: Record<string, string[]>;
  /** Per table: [count(), count() FINAL]. */
  counts: Record<string, [number, number]>;
}

export async function storedTablesIn(dataDir: string): Promise<StoredTables> {
  const ch = await openClickHouse({ database: 'tablero', dataDir });
  try {
    const out: StoredTables = { rows: {}, counts: {} };
    for (const [table, except] of TABLES) {
      const hasSource = table !== 'stints' && !table.startsWith('agent_');
      const cols = `* EXCEPT (${[...except, ...(hasSource ? ['source'] : [])].join(', ')})${hasSource ? `, replaceOne(source, 'import:', '') AS way` : ''}`;
      const text = await (await ch.client.query({ query: `SELECT ${cols} FROM ${table} ORDER BY ALL`, format: 'JSONCompactEachRow' })).text();
      out.rows[table] = text.split('\n').filter((l) => l !== '');
      const [n] = await (
        await ch.client.query({ query: `SELECT (SELECT count() FROM ${table}) AS a, (SELECT count() FROM ${table} FINAL) AS b`, format: 'JSONCompactEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } })
      ).json<[number, number]>();
      out.counts[table] = n as [number, number];
    }
    return out;
  } finally {
    await ch.close();
  }
}

/** `a` and `b` hold the same rows, each table counted without FINAL and nothing stored twice in either. */
export function expectSameTables(a: StoredTables, b: StoredTables): void {
  for (const [table] of TABLES) {
    // Nothing twice: the count without FINAL is the count with it.
    expect(a.counts[table]?.[0], `${table} (first)`).toBe(a.counts[table]?.[1]);
    expect(b.counts[table]?.[0], `${table} (second)`).toBe(b.counts[table]?.[1]);
    expect(a.counts[table]?.[0], table).toBe(b.counts[table]?.[0]);
    // Row by row (an element-wise diff names the first row that differs).
    expect(a.rows[table], table).toEqual(b.rows[table]);
  }
}
