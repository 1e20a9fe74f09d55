// Source `asteriskcdrdb` against a real MariaDB (Debian's mariadb-server, started here like
// nats-server) with Issabel's `cdr` table (IssabelPBX framework/SQL/cdr_mysql_table.sql columns,
// plus the auto-increment id the source reads by), into the real processor and embedded chDB
// over the in-process bus: rows inserted while it runs, a row inserted late with an older
// calldate, the source stopped and started again from its checkpoint, the database restarted
// under it; every row stored exactly once (counted without FINAL). A table without the id is read
// by an overlap window on calldate.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCdrDbSource } from '@tablero/ingest';
import { startProcessor, type Processor } from '@tablero/processor';
import { MemoryBus } from '../../src/bus/index.ts';
import { freshClickHouse } from '../support/clickhouse.ts';
import { startMariaDb, type MariaDb } from '../support/mariadb.ts';
import { waitFor } from '../support/wait-for.ts';
import { runTablero, startTablero } from '../support/tablero-process.ts';
import type { FunnelRow } from '@tablero/processor/contract';

const ISSABEL_CDR = `CREATE TABLE cdr (
  calldate datetime NOT NULL DEFAULT '0000-00-00 00:00:00', clid varchar(80) NOT NULL DEFAULT '', src varchar(80) NOT NULL DEFAULT '',
  dst varchar(80) NOT NULL DEFAULT '', dcontext varchar(80) NOT NULL DEFAULT '', channel varchar(80) NOT NULL DEFAULT '',
  dstchannel varchar(80) NOT NULL DEFAULT '', lastapp varchar(80) NOT NULL DEFAULT '', lastdata varchar(80) NOT NULL DEFAULT '',
  duration int(11) NOT NULL DEFAULT 0, billsec int(11) NOT NULL DEFAULT 0, disposition varchar(45) NOT NULL DEFAULT '',
  amaflags int(11) NOT NULL DEFAULT 0, accountcode varchar(20) NOT NULL DEFAULT '', uniqueid varchar(32) NOT NULL DEFAULT '',
  userfield varchar(255) NOT NULL DEFAULT '', did varchar(50) NOT NULL DEFAULT '', recordingfile varchar(255) NOT NULL DEFAULT '',
  cnum varchar(40) NOT NULL DEFAULT '', cnam varchar(40) NOT NULL DEFAULT '', outbound_cnum varchar(40) NOT NULL DEFAULT '',
  outbound_cnam varchar(40) NOT NULL DEFAULT '', dst_cnam varchar(40) NOT NULL DEFAULT '', linkedid varchar(32) NOT NULL DEFAULT '',
  peeraccount varchar(80) NOT NULL DEFAULT '', sequence int(11) NOT NULL DEFAULT 0,
  KEY calldate (calldate), KEY uniqueid (uniqueid), KEY linkedid (linkedid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`;

const T0 = Date.UTC(2026, 10, 9, 14) / 1000;
const date = (t: number): string => new Date(t * 1000).toISOString().slice(0, 19).replace('T', ' ');
const log = pino({ level: 'silent' });

let db: MariaDb;
let dir: string;
beforeAll(async () => {
  db = await startMariaDb();
  dir = mkdtempSync(join(tmpdir(), 'tablero-cdrdb-'));
  const root = await db.admin();
  await root.query('CREATE DATABASE asteriskcdrdb');
  await root.query(`USE asteriskcdrdb; ${ISSABEL_CDR}; CREATE TABLE cdr_noid LIKE cdr;`);
  await root.query('ALTER TABLE cdr ADD id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY');
  // Read-only credentials, as the README asks.
  await root.query("CREATE USER 'tablero'@'%' IDENTIFIED BY 'solo-lectura'; GRANT SELECT ON asteriskcdrdb.* TO 'tablero'@'%'");
  await root.end();
}, 120_000);
afterAll(async () => {
  await db?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** Inserts calls n..m-1 (one row each; call n starts at T0 + n, or at `startAt` for a late row). */
async function insert(from: number, to: number, startAt?: number, table = 'cdr'): Promise<void> {
  const conn = await db.admin('asteriskcdrdb');
  try {
    const rows = [];
    for (let n = from; n < to; n++) {
      const t = startAt ?? T0 + n;
      rows.push([date(t), `"Cliente" <30011${n}>`, `30011${n}`, '6014400101', 'from-pstn', `PJSIP/trunk-${n}`, '', 'Queue', 'q101,t', 60, n % 3 === 0 ? 0 : 48, n % 3 === 0 ? 'NO ANSWER' : 'ANSWERED', 3, '', `${T0}.${n}`, '', '6014400101', `${T0}.${n}`, n]);
    }
    await conn.query(
      `INSERT INTO ${table} (calldate, clid, src, dst, dcontext, channel, dstchannel, lastapp, lastdata, duration, billsec, disposition, amaflags, accountcode, uniqueid, userfield, did, linkedid, sequence) VALUES ?`,
      [rows],
    );
  } finally {
    await conn.end();
  }
}

describe('asteriskcdrdb source', () => {
  it('reads every row once: live inserts, a late row, a restart from the checkpoint, the database restarted', async () => {
    const ch = await freshClickHouse();
    const bus = new MemoryBus();
    let processor: Processor | null = null;
    const url = `mysql://tablero:solo-lectura@127.0.0.1:${db.port}/asteriskcdrdb`;
    const opts = { url, site: 'lpz', stateDir: dir, pollIntervalMs: 50, gapWaitMs: 500, batchRows: 100 };
    const stored = async (final = ''): Promise<number> =>
      Number((await (await ch.client.query({ query: `SELECT count() AS n FROM cdr ${final} WHERE site = 'lpz'`, format: 'JSONEachRow' })).json<{ n: unknown }>())[0]?.n);
    try {
      processor = await startProcessor({ bus, ch, log }, { tz: 'UTC' });
      await insert(0, 150);
      let source = startCdrDbSource({ bus, log }, opts);
      await insert(150, 300);
      await waitFor(async () => (await stored()) === 300, { timeoutMs: 60_000, what: '300 rows' });
      // A row inserted late with a calldate an hour older than the rest: a higher id, read all the same.
      await insert(300, 301, T0 - 3600);
      await waitFor(async () => (await stored()) === 301, { timeoutMs: 30_000, what: 'the late row' });
      await source.stop();
      // Stopped: rows arrive meanwhile; started again from its checkpoint.
      await insert(301, 400);
      source = startCdrDbSource({ bus, log }, opts);
      await waitFor(async () => (await stored()) === 400, { timeoutMs: 60_000, what: '400 rows' });
      // The database goes away and comes back: the source reconnects with backoff.
      await db.stop();
      await new Promise((r) => setTimeout(r, 1500));
      expect(source.status().connected).toBe(false);
      await db.start();
      await insert(400, 500);
      await waitFor(async () => (await stored()) === 500, { timeoutMs: 90_000, what: '500 rows after the database restart' });
      // The checkpoint moves once the publish is acknowledged, which can come a moment after the
      // in-process processor stored the rows.
      await waitFor(() => source.status().checkpoint === 500, { timeoutMs: 10_000, what: 'the checkpoint at 500' });
      const status = source.status();
      await source.stop();
      expect(status.reconnects).toBeGreaterThan(0);
      expect(status.checkpoint).toBe(500);
      expect([await stored(), await stored('FINAL')]).toEqual([500, 500]);
      const late = await (await ch.client.query({ query: `SELECT uniqueid, toUnixTimestamp(start) AS s, answer, did, amaflags, layout FROM cdr WHERE site = 'lpz' AND offset = 301`, format: 'JSONEachRow' })).json();
      expect(late).toEqual([{ uniqueid: `${T0}.300`, s: T0 - 3600, answer: null, did: '6014400101', amaflags: 'DOCUMENTATION', layout: 'mysql' }]);
      const answered = await (await ch.client.query({ query: `SELECT toUnixTimestamp(start) AS s, toUnixTimestamp(answer) AS a, toUnixTimestamp(end) AS e FROM cdr WHERE site = 'lpz' AND offset = 2`, format: 'JSONEachRow' })).json();
      // Row id 2 = call 1: calldate T0 + 1, duration 60, billsec 48 -> answered 12 s after the start.
      expect(answered).toEqual([{ s: T0 + 1, a: T0 + 13, e: T0 + 61 }]);
    } finally {
      await processor?.stop();
      await ch.dispose();
    }
  }, 240_000);

  it('a table without an auto-increment id is read by an overlap window on calldate: late rows inside it once, across a restart', async () => {
    const ch = await freshClickHouse();
    const bus = new MemoryBus();
    const processor = await startProcessor({ bus, ch, log }, { tz: 'UTC' });
    const opts = { url: `mysql://tablero:solo-lectura@127.0.0.1:${db.port}/asteriskcdrdb`, table: 'cdr_noid', site: 'noid', stateDir: dir, pollIntervalMs: 50, batchRows: 40, overlapS: 600 };
    const stored = async (final = ''): Promise<number> =>
      Number((await (await ch.client.query({ query: `SELECT count() AS n FROM cdr ${final} WHERE site = 'noid'`, format: 'JSONEachRow' })).json<{ n: unknown }>())[0]?.n);
    try {
      await insert(0, 200, undefined, 'cdr_noid');
      let source = startCdrDbSource({ bus, log }, opts);
      await waitFor(async () => (await stored()) === 200, { timeoutMs: 60_000, what: '200 rows' });
      // Newest calldate T0 + 199: a call that started 5 minutes earlier and ended now is read ...
      await insert(200, 201, T0 + 199 - 300, 'cdr_noid');
      await waitFor(async () => (await stored()) === 201, { timeoutMs: 30_000, what: 'the late row inside the window' });
      // ... one that started 20 minutes before the newest is outside the window: missed (README: set TABLERO_DB_CDR_OVERLAP_S above the longest call).
      await insert(201, 202, T0 + 199 - 1200, 'cdr_noid');
      await insert(202, 250, undefined, 'cdr_noid');
      await waitFor(async () => (await stored()) === 249, { timeoutMs: 30_000, what: 'the rows after it' });
      const first = source.status();
      await source.stop();
      // A restart publishes the window again (new offsets): the cdr table keeps one row of each (read with FINAL).
      await insert(250, 300, undefined, 'cdr_noid');
      source = startCdrDbSource({ bus, log }, opts);
      await waitFor(async () => (await stored('FINAL')) === 299 && source.status().checkpoint >= 2 * 2 ** 32, { timeoutMs: 60_000, what: '299 rows after the restart' });
      await source.stop();
      expect([first.mode, first.column, first.accepted, first.rejected]).toEqual(['window', 'calldate', 249, 0]);
      expect(await stored('FINAL')).toBe(299);
      const missed = await (await ch.client.query({ query: `SELECT count() AS n FROM cdr WHERE site = 'noid' AND uniqueid = '${T0}.201'`, format: 'JSONEachRow' })).json<{ n: unknown }>();
      expect(Number(missed[0]?.n)).toBe(0);
    } finally {
      await processor.stop();
      await ch.dispose();
    }
  }, 120_000);

  it('tablero start --source mysql://... reads the table (the 500 rows the first test wrote) into the funnel', async () => {
    const funnel = JSON.stringify({ lpz: { services: [{ service: '101', contexts: ['from-pstn'], dids: ['6014400101'] }] } });
    const tablero = await startTablero({
      args: ['--no-simulate', '--site', 'lpz', '--source', `mysql://tablero:solo-lectura@127.0.0.1:${db.port}/asteriskcdrdb`],
      env: { TABLERO_FUNNEL: funnel, TABLERO_SITE: 'lpz' },
    });
    try {
      const read = async (): Promise<FunnelRow[]> =>
        JSON.parse((await runTablero(['funnel', '--from', '2026-11-09', '--to', '2026-11-10', '--tz', 'UTC', '--site', 'lpz', '--json'], { dataDir: tablero.dataDir, env: { TABLERO_FUNNEL: funnel } })).stdout) as FunnelRow[];
      await waitFor(async () => (await read())[0]?.ingresadas === 500, { timeoutMs: 60_000, what: '500 calls in the funnel' });
      // Every row ran Queue() and no queue_log came with them: asked for an agent, lost before the queue.
      expect((await read()).map((r) => [r.service, r.period, r.ingresadas, r.asked_agent, r.lost_before_queue, r.offered])).toEqual([['101', '2026-11-09', 500, 500, 500, 0]]);
    } finally {
      await tablero.stop();
    }
  }, 120_000);
});
