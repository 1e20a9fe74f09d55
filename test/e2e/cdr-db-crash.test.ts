// The asteriskcdrdb source under crashes, with the real processes: a real MariaDB (Issabel's cdr
// table plus its auto-increment id) receives 100,000 rows in chunks while `tablero start
// --source mysql://...` reads them; the tablero process is SIGKILLed 5 times and started again
// on the same data directory. Every row is stored exactly once: counted without and with FINAL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClickHouse } from '@tablero/sql';
import type { FunnelRow } from '@tablero/processor/contract';
import { startMariaDb, type MariaDb } from '../support/mariadb.ts';
import { runTablero, startTablero, type TableroProcess } from '../support/tablero-process.ts';
import { waitFor } from '../support/wait-for.ts';

const ROWS = 100_000;
const CHUNK = 1000;
const T0 = Date.UTC(2026, 10, 9, 0) / 1000;
const date = (t: number): string => new Date(t * 1000).toISOString().slice(0, 19).replace('T', ' ');
const FUNNEL = JSON.stringify({ lpz: { services: [{ service: '101', contexts: ['from-pstn'] }] } });

let db: MariaDb;
let dir: string;
beforeAll(async () => {
  db = await startMariaDb();
  dir = mkdtempSync(join(tmpdir(), 'tablero-cdrdb-crash-'));
  const root = await db.admin();
  await root.query(`CREATE DATABASE asteriskcdrdb; USE asteriskcdrdb;
    CREATE TABLE cdr (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, calldate datetime NOT NULL, clid varchar(80) NOT NULL DEFAULT '',
      src varchar(80) NOT NULL DEFAULT '', dst varchar(80) NOT NULL DEFAULT '', dcontext varchar(80) NOT NULL DEFAULT '', channel varchar(80) NOT NULL DEFAULT '',
      dstchannel varchar(80) NOT NULL DEFAULT '', lastapp varchar(80) NOT NULL DEFAULT '', lastdata varchar(80) NOT NULL DEFAULT '',
      duration int(11) NOT NULL DEFAULT 0, billsec int(11) NOT NULL DEFAULT 0, disposition varchar(45) NOT NULL DEFAULT '', amaflags int(11) NOT NULL DEFAULT 0,
      accountcode varchar(20) NOT NULL DEFAULT '', uniqueid varchar(32) NOT NULL DEFAULT '', userfield varchar(255) NOT NULL DEFAULT '',
      did varchar(50) NOT NULL DEFAULT '', linkedid varchar(32) NOT NULL DEFAULT '', peeraccount varchar(80) NOT NULL DEFAULT '', sequence int(11) NOT NULL DEFAULT 0
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
    CREATE USER 'tablero'@'%' IDENTIFIED BY 'solo-lectura'; GRANT SELECT ON asteriskcdrdb.* TO 'tablero'@'%';`);
  await root.end();
}, 120_000);
afterAll(async () => {
  await db?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('asteriskcdrdb source, tablero SIGKILLed 5 times', () => {
  it('stores each of 100,000 rows exactly once', async () => {
    const dataDir = join(dir, 'data');
    const url = `mysql://tablero:solo-lectura@127.0.0.1:${db.port}/asteriskcdrdb`;
    const start = (): Promise<TableroProcess> =>
      startTablero({ args: ['--no-simulate', '--site', 'lpz', '--source', url], dataDir, env: { TABLERO_FUNNEL: FUNNEL, TABLERO_SITE: 'lpz' } });
    const stored = async (): Promise<number> => {
      const r = await runTablero(['funnel', '--from', '2026-11-01', '--to', '2026-12-01', '--by', 'month', '--tz', 'UTC', '--site', 'lpz', '--json'], { dataDir, env: { TABLERO_FUNNEL: FUNNEL } });
      return r.code === 0 ? (JSON.parse(r.stdout) as FunnelRow[]).reduce((n, x) => n + x.ingresadas, 0) : -1;
    };
    // The PBX side: a chunk of rows every 300 ms until 100,000 (about 30 s).
    const writer = (async () => {
      const conn = await db.admin('asteriskcdrdb');
      try {
        for (let n = 0; n < ROWS; n += CHUNK) {
          const rows = [];
          for (let i = n; i < n + CHUNK; i++) rows.push([date(T0 + i * 10), `30011${i}`, '6014400101', 'from-pstn', `PJSIP/trunk-${i}`, 'Hangup', 30, 25, 'ANSWERED', 3, `${T0}.${i}`]);
          await conn.query('INSERT INTO cdr (calldate, src, dst, dcontext, channel, lastapp, duration, billsec, disposition, amaflags, uniqueid) VALUES ?', [rows]);
          await new Promise((r) => setTimeout(r, 300));
        }
      } finally {
        await conn.end();
      }
    })();
    let tablero = await start();
    let last = 0;
    for (let kill = 1; kill <= 5; kill++) {
      // Killed only once it stored more since the last start, so each round crashes mid-stream
      // while rows remain; once every row is in (a fast reader on a quiet machine), the later
      // kills and restarts must still add nothing.
      await waitFor(async () => {
        const n = await stored();
        return n > last + 2000 || n === ROWS;
      }, { timeoutMs: 120_000, what: `progress before kill ${kill}` });
      last = await stored();
      tablero.child.kill('SIGKILL');
      await new Promise<void>((resolve) => (tablero.child.exitCode !== null || tablero.child.signalCode !== null ? resolve() : tablero.child.once('exit', () => resolve())));
      tablero = await start();
    }
    await writer;
    try {
      await waitFor(async () => (await stored()) === ROWS, { timeoutMs: 180_000, what: `${ROWS} calls stored` });
    } finally {
      await tablero.stop();
    }
    const ch = await openClickHouse({ database: 'tablero', dataDir });
    try {
      const count = async (final: string): Promise<unknown[]> => (await ch.client.query({ query: `SELECT count() AS n, uniqExact(offset) AS ids FROM cdr ${final}`, format: 'JSONEachRow' })).json();
      expect(await count('')).toEqual([{ n: ROWS, ids: ROWS }]);
      expect(await count('FINAL')).toEqual([{ n: ROWS, ids: ROWS }]);
    } finally {
      await ch.close();
    }
  }, 600_000);
});
