// CDR rows stored by the processor (issue 16 step 1, migration 090): every accepted row of the
// real Master.csv samples once, however often it is redelivered, re-imported or comes another way,
// also across a crash between the cdr insert and the rest of the commit.
import { importFiles, type IngestBus } from '@tablero/ingest';
import { REAL_CDR_FIXTURES, realFixture } from '@tablero/ingest/real-fixtures';
import type { CdrBatch } from '@tablero/ingest/contract';
import type { ClickHouse } from '@tablero/sql';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProcessor, type Processor } from './service.ts';
import { createStore } from './store/store.ts';
import { TestBus } from './testing/bus.ts';
import { failingInserts, freshClickHouse, scalar } from './testing/clickhouse.ts';

const log = pino({ level: 'silent' });
const FIXTURES = REAL_CDR_FIXTURES;
const TOTAL = FIXTURES.reduce((n, [, rows]) => n + rows, 0);

let ch: ClickHouse & { dispose(): Promise<void> };
beforeAll(async () => {
  ch = await freshClickHouse();
});
afterAll(async () => {
  await ch?.dispose();
});

/** The CdrBatch messages `tablero import` publishes for `files` (kind told by content). */
async function published(files: string[], site = 'hq'): Promise<Array<{ subject: string; msgId: string; body: CdrBatch }>> {
  const out: Array<{ subject: string; msgId: string; body: CdrBatch }> = [];
  const bus: IngestBus = {
    ensureStream: async () => undefined,
    publish: async (subject, data, msgId) => {
      out.push({ subject, msgId, body: JSON.parse(Buffer.from(data).toString('utf8')) as CdrBatch });
    },
  };
  await importFiles({ bus, log }, { files, kind: 'auto', site });
  return out;
}

/** Polls `read` until it gives `want` (a commit's inserts run in the background of a delivery). */
async function waitForValue(read: () => Promise<number>, want: number): Promise<void> {
  const until = Date.now() + 20_000;
  for (let v = await read(); v !== want; v = await read()) {
    if (Date.now() > until) throw new Error(`waited for ${want}, still ${v}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const start = (bus: TestBus, chx: ClickHouse = ch): Promise<Processor> => startProcessor({ bus, ch: chx, log }, { tz: 'UTC' });
const deliverAll = async (bus: TestBus, msgs: Awaited<ReturnType<typeof published>>): Promise<void> => {
  for (const m of msgs) expect(await bus.deliver(m.subject, m.body, m.msgId)).toBe(true);
};

describe('CDR storage', () => {
  it('stores every row of the 7 real Master.csv files once, with its identity, however often it comes', async () => {
    const msgs = await published(FIXTURES.map(([name]) => realFixture(name)));
    const bus = new TestBus();
    const p = await start(bus);
    await deliverAll(bus, msgs);
    await deliverAll(bus, msgs); // redelivered: below the per-source watermark
    await p.stop();
    // A second processor (restart) reads the watermark from the table: a re-import stores nothing.
    const bus2 = new TestBus();
    const p2 = await start(bus2);
    await deliverAll(bus2, msgs);
    await p2.stop();
    // Without FINAL: no copy ever landed.
    expect(await scalar(ch, `SELECT count() AS v FROM cdr WHERE site = 'hq'`)).toBe(TOTAL);
    const perFile = await (
      await ch.client.query({ query: `SELECT replaceRegexpOne(source, '^.*/', '') AS f, count() AS n FROM cdr WHERE site = 'hq' GROUP BY f ORDER BY f`, format: 'JSONEachRow' })
    ).json<{ f: string; n: string | number }>();
    expect(perFile.map((r) => [r.f, Number(r.n)])).toEqual([...FIXTURES].sort(([a], [b]) => (a < b ? -1 : 1)));
    // Identity of a 21-column row (newcdrcolumns): uniqueid, linkedid, sequence; the Latin-1 caller name kept.
    const row = await (
      await ch.client.query({
        query: `SELECT uniqueid, linkedid, sequence, layout, disposition, toUnixTimestamp(start) AS s, answer FROM cdr
                WHERE site = 'hq' AND uniqueid = 'mainserverdss-1706420300.0' ORDER BY sequence`,
        format: 'JSONEachRow',
      })
    ).json<Record<string, unknown>>();
    expect(row.length).toBeGreaterThan(0);
    expect(row[0]).toMatchObject({ uniqueid: 'mainserverdss-1706420300.0', linkedid: 'mainserverdss-1706420300.0', layout: 'csv21' });
    expect(await scalar(ch, `SELECT count() AS v FROM cdr WHERE site = 'hq' AND position(clid, '\u00a5') > 0`)).toBeGreaterThan(0);
    // The cdr_custom file keeps its sequence, the 18-column ones have none.
    expect(await scalar(ch, `SELECT countIf(sequence IS NOT NULL) AS v FROM cdr WHERE source LIKE '%KelySaina%'`)).toBe(14);
    expect(await scalar(ch, `SELECT countIf(sequence IS NULL) AS v FROM cdr WHERE source LIKE '%BugaDM%'`)).toBe(105);
    // The data-quality page's accepted counts (read from the store) list each CDR import by its
    // source, as CDR, with its stored row count.
    const accepted = (await createStore(ch).acceptedLines(0)).filter((a) => a.site === 'hq');
    expect(accepted.map((a) => [a.source.replace(/^.*\//, ''), a.kind, a.lines])).toEqual(
      [...FIXTURES].sort(([x], [y]) => (x < y ? -1 : 1)).map(([name, rows]) => [name, 'cdr', rows]),
    );
    expect(accepted.every((a) => a.source.startsWith('import:'))).toBe(true);
  });

  it('the same rows that come another way (a copy of the file: other event ids) are one row each', async () => {
    const msgs = await published([realFixture('KelySaina__cdr__Master.csv')], 'copy');
    // The same bytes under another source name and fingerprint, as a tailed file and its imported copy.
    const other = msgs.map((m) => ({
      ...m,
      msgId: `other-${m.msgId}`,
      body: { ...m.body, batch_id: `other-${m.body.batch_id}`, records: m.body.records.map((r) => ({ ...r, event_id: `other${r.event_id}`, source: 'tail:/var/log/asterisk/cdr-custom/Master.csv' })) },
    }));
    const bus = new TestBus();
    const p = await start(bus);
    await deliverAll(bus, msgs);
    await deliverAll(bus, other);
    await p.stop();
    expect(await scalar(ch, `SELECT count() AS v FROM cdr FINAL WHERE site = 'copy'`)).toBe(14);
  });

  it('a crash after the cdr insert and before the events: the redelivered commit stores no CDR row twice', async () => {
    const msgs = await published([realFixture('BugaDM__TelephonySwitching__Master.csv')], 'crash');
    const events = {
      batch_id: 'q:0-0',
      site: 'crash',
      events: [{ event_id: 'q:0', site: 'crash', source: 'q', offset: 0, ts: 1427191200, callid: 'NONE', queue: 'NONE', agent: 'NONE', verb: 'QUEUESTART', custom: false, wait_s: null, talk_s: null, ring_ms: null, position: null, orig_position: null, caller: '', info: '', data: [] }],
    };
    const bus = new TestBus(1);
    const p = await start(bus, failingInserts(ch, (table) => table === 'queue_events'));
    const group = [...msgs.map((m) => ({ subject: m.subject, body: m.body, msgId: m.msgId })), { subject: 'pbx.events.crash', body: events, msgId: events.batch_id }];
    // The cdr rows are stored, the events never are: the process "dies" retrying.
    const delivered = bus.deliverGroup(group);
    await waitForValue(() => scalar(ch, `SELECT count() AS v FROM cdr WHERE site = 'crash'`), 105);
    await p.stop();
    expect(await delivered).toBe(false);
    const bus2 = new TestBus();
    const p2 = await start(bus2);
    expect(await bus2.deliverGroup(group)).toBe(true);
    await p2.stop();
    expect(await scalar(ch, `SELECT count() AS v FROM cdr WHERE site = 'crash'`)).toBe(105);
    expect(await scalar(ch, `SELECT count() AS v FROM queue_events WHERE site = 'crash'`)).toBe(1);
  });
});
