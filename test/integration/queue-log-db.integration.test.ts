// The asteriskcdrdb `queue_log` table (Asterisk realtime queue_log, docs/pbx-formats/queue_log.md
// §2) against a real MariaDB (Debian's mariadb-server, started here like nats-server), into the
// real processor and embedded chDB over the in-process bus. The same lines are imported as a
// queue_log file under another site: the stored events and stints of both sites must be equal,
// and the file imported under the table's own site must add nothing (the line identity is the
// line's content, processor core/line-key.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles, startDbTableSource, type DbTableOptions } from '@tablero/ingest';
import { startProcessor, type Processor } from '@tablero/processor';
import { MemoryBus } from '../../src/bus/index.ts';
import { freshClickHouse } from '../support/clickhouse.ts';
import { startMariaDb, type MariaDb } from '../support/mariadb.ts';
import { waitFor } from '../support/wait-for.ts';
import { ASTERISK11_QUEUE_LOG, ASTERISK_QUEUE_LOG, DATA_COLUMN_QUEUE_LOG, QUEUEMETRICS_QUEUE_LOG, callLines, insertLines } from '../support/queue-log-db.ts';

const T0 = Date.UTC(2026, 10, 9, 14) / 1000;
const TZ = 'America/Bogota';
const log = pino({ level: 'silent' });

let db: MariaDb;
let dir: string;
let ch: Awaited<ReturnType<typeof freshClickHouse>>;
let bus: MemoryBus;
let processor: Processor;
beforeAll(async () => {
  db = await startMariaDb();
  dir = mkdtempSync(join(tmpdir(), 'tablero-qldb-'));
  const root = await db.admin();
  await root.query('CREATE DATABASE asteriskcdrdb');
  await root.query(`USE asteriskcdrdb; ${ASTERISK_QUEUE_LOG('queue_log')}; ${ASTERISK11_QUEUE_LOG('queue_log_noid')}; ${QUEUEMETRICS_QUEUE_LOG('qm_queue_log')}; ${DATA_COLUMN_QUEUE_LOG('ql_data')}`);
  await root.query("CREATE USER 'tablero'@'%' IDENTIFIED BY 'solo-lectura'; GRANT SELECT ON asteriskcdrdb.* TO 'tablero'@'%'");
  await root.end();
  ch = await freshClickHouse();
  bus = new MemoryBus();
  processor = await startProcessor({ bus, ch, log }, { tz: 'UTC' });
}, 120_000);
afterAll(async () => {
  await processor?.stop();
  await ch?.dispose();
  await db?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const url = (): string => `mysql://tablero:solo-lectura@127.0.0.1:${db.port}/asteriskcdrdb`;
const options = (site: string, table: string, more: Partial<DbTableOptions> = {}): DbTableOptions => ({
  url: url(), site, kind: 'queue_log', table, stateDir: dir, timeZone: TZ, pollIntervalMs: 50, gapWaitMs: 300, batchRows: 97, ...more,
});

async function insert(table: string, layout: Parameters<typeof insertLines>[2], lines: string[]): Promise<void> {
  const conn = await db.admin('asteriskcdrdb');
  try {
    await insertLines(conn, table, layout, lines, TZ);
  } finally {
    await conn.end();
  }
}

async function rows<T>(query: string): Promise<T[]> {
  return (await ch.client.query({ query, format: 'JSONEachRow' })).json<T>();
}
const events = async (site: string): Promise<number> => Number((await rows<{ n: unknown }>(`SELECT count() AS n FROM queue_events WHERE site = '${site}'`))[0]?.n);
/** What the KPIs are computed from, without where each line came from. */
const facts = async (site: string): Promise<unknown[]> => [
  await rows(`SELECT toUnixTimestamp(ts) AS t, callid, queue, agent, verb, data, wait_s, talk_s FROM queue_events FINAL WHERE site = '${site}' ORDER BY t, callid, verb, agent, data`),
  await rows(`SELECT queue, callid, toUnixTimestamp(enter_ts) AS e, toUnixTimestamp(end_ts) AS x, outcome, wait_s, talk_s, agent, caller, transferred FROM stints FINAL WHERE site = '${site}' ORDER BY callid, queue`),
];

/** Imports `lines` as a queue_log file under `site` and waits for `want` stored events of that site. */
async function importAs(site: string, lines: string[], want: number): Promise<void> {
  const file = join(dir, `queue_log-${site}-${lines.length}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  await importFiles({ bus, log }, { files: [file], kind: 'queue_log', site });
  await waitFor(async () => (await events(site)) === want, { timeoutMs: 60_000, what: `${want} events of ${site}` });
}

describe('asteriskcdrdb queue_log table', () => {
  it('by id: live inserts, late rows with older times, a restart from the checkpoint, the database restarted; equal to the file', async () => {
    const all: string[] = [];
    const add = async (lines: string[]): Promise<void> => {
      all.push(...lines);
      await insert('queue_log', 'asterisk', lines);
    };
    await add(callLines(0, 60, T0));
    let source = startDbTableSource({ bus, log }, options('rt', 'queue_log'));
    await add(callLines(60, 120, T0));
    await waitFor(async () => (await events('rt')) === all.length, { timeoutMs: 60_000, what: 'the first rows' });
    // Rows inserted late, dated an hour before the rest: higher ids, read all the same.
    await add(callLines(120, 140, T0 - 3600));
    await waitFor(async () => (await events('rt')) === all.length, { timeoutMs: 30_000, what: 'the late rows' });
    await source.stop();
    await add(callLines(140, 200, T0));
    source = startDbTableSource({ bus, log }, options('rt', 'queue_log'));
    await waitFor(async () => (await events('rt')) === all.length, { timeoutMs: 60_000, what: 'the rows after the restart' });
    await db.stop();
    await new Promise((r) => setTimeout(r, 1000));
    expect(source.status().connected).toBe(false);
    await db.start();
    await add(callLines(200, 260, T0));
    await waitFor(async () => (await events('rt')) === all.length, { timeoutMs: 90_000, what: 'the rows after the database restart' });
    // The checkpoint moves once the publish is acknowledged, which can come a moment after the
    // rows are counted.
    await waitFor(() => source.status().checkpoint === all.length, { timeoutMs: 10_000, what: 'the checkpoint at the last row' });
    const status = source.status();
    await source.stop();
    expect([status.mode, status.column, status.table, status.checkpoint, status.rejected, status.reconnects > 0]).toEqual(['id', 'id', 'queue_log', all.length, 0, true]);

    // The same lines from a file: the same facts; under the table's site, nothing more.
    await importAs('file', all, all.length);
    expect(await facts('rt')).toEqual(await facts('file'));
    const [stored, stints] = (await facts('rt')) as [unknown[], unknown[]];
    expect([stored.length, stints.length]).toEqual([all.length, 260]);
    await importAs('rt', all, all.length);
    expect(await events('rt')).toBe(all.length);
    // The attended transfer's 6 data fields came back whole from data1..data5.
    expect(await rows(`SELECT data, talk_s FROM queue_events WHERE site = 'rt' AND verb = 'ATTENDEDTRANSFER' AND callid = '${T0}.101'`)).toEqual([{ data: ['LINK', 'SIP/a-101', 'SIP/b-101', '3', '32', '1'], talk_s: 32 }]);
  }, 300_000);

  it('without id (Asterisk 11 table): late rows inside the overlap window are read once, a row older than the window is missed, a restart re-reads the window', async () => {
    const opts = options('noid', 'queue_log_noid', { overlapS: 600 });
    const all = callLines(0, 80, T0);
    await insert('queue_log_noid', 'asterisk11', all);
    let source = startDbTableSource({ bus, log }, opts);
    await waitFor(async () => (await events('noid')) === all.length, { timeoutMs: 60_000, what: 'the first rows' });
    // Newest time read: call 79's end, about T0 + 830. Calls dated from T0 + 300 on are inside the window.
    const late = callLines(30, 40, T0 + 5).map((l) => l.replace(`|${T0}.`, `|late${T0}.`));
    all.push(...late);
    await insert('queue_log_noid', 'asterisk11', late);
    await waitFor(async () => (await events('noid')) === all.length, { timeoutMs: 30_000, what: 'the late rows inside the window' });
    // Dated 20 minutes before the newest: outside the 10-minute window when it appears, so never read (the documented limit).
    const tooLate = [`${T0 - 400}|toolate|q1|NONE|ENTERQUEUE||3001|1`];
    await insert('queue_log_noid', 'asterisk11', tooLate);
    const more = callLines(80, 120, T0);
    all.push(...more);
    await insert('queue_log_noid', 'asterisk11', more);
    await waitFor(async () => (await events('noid')) === all.length, { timeoutMs: 30_000, what: 'the rows after it' });
    const before = source.status();
    await source.stop();
    // A restart publishes the window again with a new generation of offsets: the processor keeps one copy of each line.
    source = startDbTableSource({ bus, log }, opts);
    await waitFor(async () => source.status().accepted > 0 && source.status().checkpoint >= 2 * 2 ** 32, { timeoutMs: 30_000, what: 'the window published again' });
    const again = callLines(120, 150, T0);
    all.push(...again);
    await insert('queue_log_noid', 'asterisk11', again);
    await waitFor(async () => (await events('noid')) === all.length, { timeoutMs: 30_000, what: 'the rows after the restart' });
    await source.stop();
    expect([before.mode, before.column, before.accepted, before.rejected]).toEqual(['window', 'time', all.length - again.length, 0]);
    expect(Number((await rows<{ n: unknown }>(`SELECT count() AS n FROM queue_events WHERE site = 'noid' AND callid = 'toolate'`))[0]?.n)).toBe(0);
    await importAs('noidfile', all, all.length);
    expect(await facts('noid')).toEqual(await facts('noidfile'));
  }, 300_000);

  it('QueueMetrics table (epoch time_id, unique_row_count) and a one-`data`-column table with epoch texts: equal to the file', async () => {
    const lines = callLines(0, 50, T0 + 86_400);
    await insert('qm_queue_log', 'queuemetrics', lines);
    await insert('ql_data', 'data', lines);
    const qm = startDbTableSource({ bus, log }, options('qm', 'qm_queue_log'));
    const data = startDbTableSource({ bus, log }, options('data', 'ql_data'));
    try {
      await waitFor(async () => (await events('qm')) === lines.length && (await events('data')) === lines.length, { timeoutMs: 60_000, what: 'both tables' });
      expect([qm.status().mode, qm.status().column, data.status().mode, data.status().column]).toEqual(['id', 'unique_row_count', 'window', 'time']);
    } finally {
      await qm.stop();
      await data.stop();
    }
    await importAs('qmfile', lines, lines.length);
    const want = await facts('qmfile');
    expect(await facts('qm')).toEqual(want);
    expect(await facts('data')).toEqual(want);
  }, 120_000);

  it('no queue_log table (Issabel 4 keeps it in the file): the source waits for one, no error; an empty one is said so', async () => {
    const source = startDbTableSource({ bus, log }, { ...options('none', 'x'), table: ['queue_log_missing', 'queuelog'], absentRecheckMs: 100 });
    await waitFor(() => source.status().mode === 'absent', { timeoutMs: 10_000, what: 'absent' });
    const conn = await db.admin('asteriskcdrdb');
    await conn.query(ASTERISK_QUEUE_LOG('queuelog'));
    // Created, still empty: found and said to be empty.
    await waitFor(() => source.status().table === 'queuelog' && source.status().empty === true, { timeoutMs: 10_000, what: 'the empty table' });
    await insertLines(conn, 'queuelog', 'asterisk', callLines(0, 3, T0), TZ);
    await conn.end();
    await waitFor(async () => (await events('none')) === callLines(0, 3, T0).length, { timeoutMs: 30_000, what: 'the table created later' });
    expect([source.status().table, source.status().mode]).toEqual(['queuelog', 'id']);
    await source.stop();
  }, 60_000);
});
