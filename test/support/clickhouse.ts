// Test support: ClickHouse through the production factory (embedded chDB unless CLICKHOUSE_URL
// is set), with the real migrations applied to a fresh database. One per test file (process).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openClickHouse, type ClickHouse } from '@tablero/sql';

export async function freshClickHouse(): Promise<ClickHouse & { dataDir: string; dispose(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tablero-ch-'));
  const database = `t_${process.pid}_${Date.now()}`;
  const ch = await openClickHouse({ url: process.env.CLICKHOUSE_URL, database, dataDir });
  await migrate(ch.client);
  return {
    ...ch,
    dataDir,
    async dispose() {
      if (!ch.embedded) await ch.client.command({ query: `DROP DATABASE IF EXISTS ${database}` });
      await ch.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
