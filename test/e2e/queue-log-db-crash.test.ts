// The asteriskcdrdb queue_log tables under crashes, with the real processes: a real MariaDB holds
// two PBXs' realtime queue_log tables, one with Asterisk's auto-increment id (read by id), one
// without (Asterisk 11's table, read by the overlap window). Rows arrive in chunks, some of each
// chunk a moment later with older times, while `tablero start --source mysql://...` reads both;
// the tablero process is SIGKILLed 3 times and started again on the same data directory, and the
// database is restarted once. Every line is stored exactly once, and the KPI rows equal those of
// `tablero import` of the same lines as a queue_log file under another site.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClickHouse } from '@tablero/sql';
import type { KpiRow } from '@tablero/processor/contract';
import { startMariaDb, type MariaDb } from '../support/mariadb.ts';
import { ASTERISK11_QUEUE_LOG, ASTERISK_QUEUE_LOG, callLines, insertLines } from '../support/queue-log-db.ts';
import { runTablero, startTablero, type TableroProcess } from '../support/tablero-process.ts';
import { waitFor } from '../support/wait-for.ts';

const CALLS = 6000;
const CHUNK = 40;
const T0 = Date.UTC(2026, 10, 9, 0) / 1000;
const TZ = 'America/La_Paz';
const PBX = [
  { db: 'pbx1', table: 'queue_log', layout: 'asterisk', t0: T0, lines: callLines(0, CALLS, T0) },
  { db: 'pbx2', table: 'queue_log', layout: 'asterisk11', t0: T0 + 3, lines: callLines(0, CALLS, T0 + 3) },
] as const;

let db: MariaDb;
let dir: string;
beforeAll(async () => {
  db = await startMariaDb();
  dir = mkdtempSync(join(tmpdir(), 'tablero-qldb-crash-'));
  const root = await db.admin();
  await root.query(`CREATE DATABASE pbx1; CREATE DATABASE pbx2; USE pbx1; ${ASTERISK_QUEUE_LOG('queue_log')}; USE pbx2; ${ASTERISK11_QUEUE_LOG('queue_log')};
    CREATE USER 'tablero'@'%' IDENTIFIED BY 'solo-lectura'; GRANT SELECT ON pbx1.* TO 'tablero'@'%'; GRANT SELECT ON pbx2.* TO 'tablero'@'%';`);
  await root.end();
}, 120_000);
afterAll(async () => {
  await db?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('asteriskcdrdb queue_log tables, tablero SIGKILLed 3 times, the database restarted once', () => {
  it('stores each line exactly once, with the KPIs of a file import of the same lines', async () => {
    const dataDir = join(dir, 'data');
    const sources = PBX.flatMap((p) => ['--source', `mysql://tablero:solo-lectura@127.0.0.1:${db.port}/${p.db}?cdr=none`]);
    const env = { TZ, TABLERO_SITE: 'lpz' };
    const start = (): Promise<TableroProcess> => startTablero({ args: ['--no-simulate', '--site', 'lpz', ...sources], dataDir, env });
    const kpis = async (site: string): Promise<KpiRow[] | null> => {
      const r = await runTablero(['kpis', '--from', '2026-11-08', '--to', '2026-11-11', '--by', 'day', '--tz', 'UTC', '--site', site, '--json'], { dataDir, env });
      return r.code === 0 ? (JSON.parse(r.stdout) as KpiRow[]) : null;
    };
    const offered = async (): Promise<number> => ((await kpis('lpz')) ?? []).reduce((n, r) => n + r.offered, 0);
    // The PBX side: per table a chunk of 40 calls (400 s of data time) every 250 ms; the lines of
    // one call in ten come 100 ms after the rest of their chunk (older times, inside the default
    // 10-minute window). Paused while the database restarts.
    const inserted: string[][] = [[], []];
    const gate: { requested: boolean; reached: () => void; release: Promise<void> } = { requested: false, reached: () => undefined, release: Promise.resolve() };
    const writer = (async () => {
      // Chunks by time (lines are in time order); the last one takes the ends of the last calls.
      for (let c = 0; c < CALLS + CHUNK; c += CHUNK) {
        if (gate.requested) {
          gate.reached();
          await gate.release;
        }
        for (const [i, p] of PBX.entries()) {
          const chunk = p.lines.filter((l) => {
            const t = Number(l.slice(0, l.indexOf('|'))) - p.t0;
            return t >= c * 10 && t < (c + CHUNK) * 10;
          });
          const late = chunk.filter((l) => /5$/.test(l.split('|')[1] ?? ''));
          const now = chunk.filter((l) => !/5$/.test(l.split('|')[1] ?? ''));
          const conn = await db.admin(p.db);
          try {
            await insertLines(conn, p.table, p.layout, now, TZ);
            inserted[i]?.push(...now);
            await new Promise((r) => setTimeout(r, 100));
            await insertLines(conn, p.table, p.layout, late, TZ);
            inserted[i]?.push(...late);
          } finally {
            await conn.end();
          }
        }
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    const calls = 2 * CALLS;
    let tablero = await start();
    let last = 0;
    for (let kill = 1; kill <= 3; kill++) {
      await waitFor(async () => {
        const n = await offered();
        return n > last + 400 || n === calls;
      }, { timeoutMs: 120_000, what: `progress before kill ${kill}` });
      last = await offered();
      if (kill === 2) {
        // The database goes away under the running reader and comes back.
        // Between two chunks (or once the writer is done).
        let release = (): void => undefined;
        gate.release = new Promise<void>((r) => (release = r));
        const reached = new Promise<void>((r) => (gate.reached = r));
        gate.requested = true;
        await Promise.race([reached, writer]);
        await db.stop();
        await new Promise((r) => setTimeout(r, 1500));
        await db.start();
        gate.requested = false;
        release();
      }
      tablero.child.kill('SIGKILL');
      await new Promise<void>((resolve) => (tablero.child.exitCode !== null || tablero.child.signalCode !== null ? resolve() : tablero.child.once('exit', () => resolve())));
      tablero = await start();
    }
    await writer;
    try {
      await waitFor(async () => (await offered()) === calls, { timeoutMs: 180_000, what: `${calls} calls offered` });
    } finally {
      await tablero.stop();
    }
    const lines = [...(inserted[0] ?? []), ...(inserted[1] ?? [])];
    expect(lines.length).toBe(PBX[0].lines.length + PBX[1].lines.length);
    const file = join(dir, 'queue_log');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const imported = await runTablero(['import', '--site', 'file', file], { dataDir, env });
    expect(imported.code).toBe(0);
    const fromTables = await kpis('lpz');
    expect(fromTables?.map((r) => [r.queue, r.period, r.offered]).sort()).toEqual([
      ['q1', '2026-11-09', CALLS],
      ['q2', '2026-11-09', CALLS],
    ]);
    // Every figure equal; the stated definition names each row's own site.
    const figures = (rows: KpiRow[] | null): unknown[] => (rows ?? []).map((r) => ({ ...r, definition: { ...r.definition, site: '' } }));
    expect(figures(fromTables)).toEqual(figures(await kpis('file')));
    const ch = await openClickHouse({ database: 'tablero', dataDir });
    try {
      const count = async (site: string): Promise<unknown[]> =>
        (await ch.client.query({ query: `SELECT count() AS n, uniqExact(ts, callid, queue, agent, verb, data) AS lines FROM queue_events WHERE site = '${site}'`, format: 'JSONEachRow' })).json();
      expect(await count('lpz')).toEqual([{ n: lines.length, lines: lines.length }]);
      expect(await count('file')).toEqual([{ n: lines.length, lines: lines.length }]);
    } finally {
      await ch.close();
    }
  }, 600_000);
});
