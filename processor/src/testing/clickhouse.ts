// Test support: a fresh embedded chDB (or CLICKHOUSE_URL) with the real migrations. One per test file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openClickHouse, type ClickHouse } from '@tablero/sql';

export async function freshClickHouse(): Promise<ClickHouse & { dispose(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tablero-proc-'));
  const database = `p_${process.pid}_${Date.now()}`;
  const ch = await openClickHouse({ url: process.env.CLICKHOUSE_URL, database, dataDir });
  await migrate(ch.client);
  return {
    ...ch,
    async dispose() {
      if (!ch.embedded) await ch.client.command({ query: `DROP DATABASE IF EXISTS ${database}` });
      await ch.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function scalar(ch: ClickHouse, query: string): Promise<number> {
  const rows = await (await ch.client.query({ query, format: 'JSONEachRow' })).json<{ v: unknown }>();
  return Number(rows[0]?.v);
}

/** `ch` whose inserts into the tables `fails` picks throw (the process dying before that insert). */
export function failingInserts(chx: ClickHouse, fails: (table: string) => boolean): ClickHouse {
  return {
    ...chx,
    async insertFormatted(table, format, body, settings) {
      if (fails(table)) throw new Error(`injected insert failure (${table})`);
      return chx.insertFormatted(table, format, body, settings);
    },
  };
}
