// `tablero migrate --print` (issue 19): the single-server script, run on a fresh embedded
// ClickHouse, builds the same tables and columns as the migration runner; the cluster scripts
// (replicated and sharded) are parsed by ClickHouse's own parser (chDB's formatQuery) statement by
// statement. What this machine cannot do: run them (no Keeper, no remote_servers); see
// docs/scaling.md "ClickHouse cluster".
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openClickHouse, splitStatements, type ClickHouse } from '@tablero/sql';
import { runTablero } from '../support/tablero-process.ts';

let dir: string;
let ch: ClickHouse;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tablero-migrate-'));
  ch = await openClickHouse({ database: 'by_runner', dataDir: join(dir, 'ch') });
});
afterAll(async () => {
  await ch?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function print(args: string[]): Promise<string> {
  const r = await runTablero(['migrate', '--print', ...args], { dataDir: join(dir, 'unused') });
  expect([r.code, r.stderr]).toEqual([0, '']);
  return r.stdout;
}

async function columns(database: string): Promise<string[]> {
  const rs = await ch.client.query({
    query: "SELECT concat(table, '.', name, ' ', type) AS c FROM system.columns WHERE database = {db:String} ORDER BY table, position",
    query_params: { db: database },
    format: 'JSONEachRow',
  });
  return (await rs.json<{ c: string }>()).map((r) => r.c);
}

describe('tablero migrate --print', () => {
  it('the single-server script builds exactly what the runner builds', async () => {
    const script = await print([]);
    expect(script.startsWith('-- Tablero migrations for one ClickHouse server\n')).toBe(true);
    await migrate(ch.client);
    // The embedded session keeps `USE`: the script runs in a second database of the same chDB.
    await ch.client.command({ query: 'CREATE DATABASE IF NOT EXISTS by_script' });
    await ch.client.command({ query: 'USE by_script' });
    for (const statement of splitStatements(script)) await ch.client.command({ query: statement });
    const byRunner = await columns('by_runner');
    expect(byRunner.length).toBeGreaterThan(200);
    expect(await columns('by_script')).toEqual(byRunner);
  }, 120_000);

  it.each([
    ['replicated', ['--cluster', 'prod'], false],
    ['sharded', ['--cluster', 'prod', '--sharded'], true],
  ])('the %s cluster script: every statement parses in ClickHouse and runs ON CLUSTER', async (_mode, args, isSharded) => {
    // Sharded: one Distributed table per table sorted by site first (queue_events, stints, cdr...).
    const siteKeyed = splitStatements(await print([])).filter((s) => /^CREATE TABLE[\s\S]*\bORDER BY \(\s*site\b/.test(s)).length;
    expect(siteKeyed).toBeGreaterThanOrEqual(14);
    const script = await print(args);
    const statements = splitStatements(script);
    expect(statements.length).toBeGreaterThan(30);
    for (const statement of statements) {
      const rs = await ch.client.query({ query: 'SELECT formatQuery({q:String}) AS f', query_params: { q: statement }, format: 'JSONEachRow' });
      const [row] = await rs.json<{ f: string }>();
      // Data statements (a migration's backfill) run once, not on every node: replication copies
      // their rows (sql/src/cluster.ts); every other statement runs ON CLUSTER.
      if (row?.f.startsWith('INSERT INTO ')) expect(row.f).not.toContain(' ON CLUSTER ');
      else expect(row?.f).toContain(' ON CLUSTER prod');
    }
    expect(statements.filter((s) => /^INSERT\s+INTO\s/i.test(s)).length).toBeGreaterThanOrEqual(1);
    expect(statements.filter((s) => s.includes('ENGINE = Distributed(prod, currentDatabase(), ')).length).toBe(isSharded ? siteKeyed : 0);
  }, 120_000);

  it('without --print applies the migrations (once) and says so; --cluster goes with --print only', async () => {
    const dataDir = join(dir, 'applied');
    for (let i = 0; i < 2; i++) {
      const r = await runTablero(['migrate'], { dataDir });
      expect([r.code, r.stdout]).toEqual([0, 'migrations up to date\n']);
    }
    const r = await runTablero(['migrate', '--cluster', 'prod'], { dataDir });
    expect([r.code, r.stderr]).toEqual([2, 'tablero migrate: --cluster and --sharded go with --print; to apply, set TABLERO_CLICKHOUSE_CLUSTER (and TABLERO_CLICKHOUSE_SHARDED)\n']);
  }, 120_000);

  it.each([
    [['--sharded'], '--sharded needs --cluster NAME'],
    [['--cluster', 'prod-1'], "--cluster must be letters, digits and _: 'prod-1'"],
  ])('refuses %j', async (args, message) => {
    const r = await runTablero(['migrate', '--print', ...args], { dataDir: join(dir, 'unused') });
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', `tablero migrate: ${message}\n`]);
  });
});
