// Migrations applied to a fresh embedded ClickHouse (chDB) through the production factory.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate, MigrationError, openClickHouse, splitStatements, TABLES, type ClickHouse } from './index.ts';

let ch: ClickHouse;
let dataDir: string;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tablero-sql-'));
  ch = await openClickHouse({ database: 'tablero_mig', dataDir });
});
afterAll(async () => {
  await ch?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('migrate', () => {
  it('applies every migration once, in order, into the configured database', async () => {
    const names = loadMigrations().map((m) => m.name);
    const first = await migrate(ch.client);
    expect(first.applied).toEqual(names);
    expect(first.alreadyApplied).toEqual([]);
    const second = await migrate(ch.client);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(names);

    const tables = await (
      await ch.client.query({ query: 'SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name', format: 'JSONEachRow' })
    ).json<{ name: string }>();
    const tableNames = tables.map((t) => t.name);
    for (const t of Object.values(TABLES)) expect(tableNames).toContain(t);
    const db = await (await ch.client.query({ query: 'SELECT currentDatabase() AS d', format: 'JSONEachRow' })).json<{ d: string }>();
    expect(db).toEqual([{ d: 'tablero_mig' }]);
  });

  it('drops a repeated insert of the same batch (dedup token) on the stints table', async () => {
    const row = {
      stint_id: 's1', site: 'default', queue: '101', callid: '1.1', enter_ts: 1_700_000_000, end_ts: 1_700_000_030,
      outcome: 'answered', wait_s: 12, talk_s: 18, agent: 'Ana', caller: '', transferred: false, enter_seen: true, end_event_id: 'fp:10',
    };
    for (let i = 0; i < 2; i++) {
      await ch.client.insert({ table: TABLES.stints, values: [row], format: 'JSONEachRow', clickhouse_settings: { insert_deduplication_token: 'batch-1' } });
    }
    const count = await (await ch.client.query({ query: 'SELECT count() AS c FROM stints', format: 'JSONEachRow' })).json<{ c: string }>();
    expect(Number(count[0]?.c)).toBe(1);
  });

  it('refuses a migration that changed after it was applied', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tablero-migs-'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '001_a.sql'), 'CREATE TABLE IF NOT EXISTS mig_a (x UInt8) ENGINE = Memory;\n');
    await migrate(ch.client, dir);
    writeFileSync(join(dir, '001_a.sql'), 'CREATE TABLE IF NOT EXISTS mig_a (x UInt16) ENGINE = Memory;\n');
    await expect(migrate(ch.client, dir)).rejects.toThrow(MigrationError);
    await expect(migrate(ch.client, dir)).rejects.toThrow('migration 001_a.sql changed after it was applied');
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('splitStatements', () => {
  it.each([
    ['CREATE TABLE a (x UInt8);\nCREATE TABLE b (y UInt8);\n', ['CREATE TABLE a (x UInt8)', 'CREATE TABLE b (y UInt8)']],
    ['-- comment; with semicolon\nSELECT 1;', ['SELECT 1']],
    ["SELECT 'a;b' AS s;", ["SELECT 'a;b' AS s"]],
    ['\n\n', []],
  ])('%j', (sql, expected) => {
    expect(splitStatements(sql)).toEqual(expected);
  });
});
