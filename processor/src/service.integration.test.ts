// The processor service on embedded chDB: idempotent storage under redelivery, failed inserts,
// a crash between inserts, restart rebuild, and live snapshots.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBatch, QueueEvent } from '@tablero/ingest/contract';
import type { ClickHouse } from '@tablero/sql';
import type { SnapshotMessage } from './contract.ts';
import { startProcessor, type Processor } from './service.ts';
import { TestBus } from './testing/bus.ts';
import { failingInserts, freshClickHouse, scalar } from './testing/clickhouse.ts';
import { eventMaker } from './testing/events.ts';

const log = pino({ level: 'silent' });
const T = Date.UTC(2026, 10, 9, 14, 0, 0) / 1000; // data time near "now"
const NOW_MS = (T + 600) * 1000;

let ch: ClickHouse & { dispose(): Promise<void> };
beforeAll(async () => {
  ch = await freshClickHouse();
});
afterAll(async () => {
  await ch?.dispose();
});

const make = eventMaker({ fingerprint: 'fpA' });
const batch = (id: string, events: QueueEvent[]): EventBatch => ({ batch_id: id, site: 'default', events });
const lines = (text: string): QueueEvent[] => make.lines(text.replaceAll('T+', '').replace(/^(\s*)(\d+)\|/gm, (_m, sp: string, d: string) => `${sp}${T + Number(d)}|`));

/** Polls `read` until it gives `want` (inserts of a commit run in the background of a delivery). */
async function waitForValue(read: () => Promise<number>, want: number): Promise<void> {
  const until = Date.now() + 20_000;
  for (let v = await read(); v !== want; v = await read()) {
    if (Date.now() > until) throw new Error(`waited for ${want}, still ${v}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function start(bus: TestBus, chx: ClickHouse = ch): Promise<Processor> {
  return startProcessor({ bus, ch: chx, log, now: () => NOW_MS }, { tz: 'UTC', snapshotMinIntervalMs: 20, snapshotMaxIntervalMs: 200 });
}

const B1 = batch('fpA:0-1', lines(`
  0|c1|q1|NONE|ENTERQUEUE||555|1
  1|c2|q1|NONE|ENTERQUEUE||556|2
  5|c1|q1|Ann|CONNECT|5|c1.2|1
  30|c2|q1|NONE|ABANDON|1|2|29`));
const B2 = batch('fpA:2-3', lines(`
  100|c1|q1|Ann|COMPLETECALLER|5|95|1
  101|c3|q1|NONE|FULL|
  102|c4|q2|NONE|ENTERQUEUE||557|1
  103|c5|q2|NONE|ENTERQUEUE||558|2`));
const B3 = batch('fpA:4-5', lines(`
  130|c4|q2|NONE|EXITWITHTIMEOUT|1|1|28`));
const B4 = batch('fpA:6-7', lines(`
  140|c5|q2|NONE|ABANDON|1|1|37`));

describe('processor service', () => {
  it('stores every event and stint once, even when batches are redelivered, and publishes snapshots', async () => {
    const bus = new TestBus();
    const p = await start(bus);
    expect(bus.streams).toEqual(['TABLERO_PBX']);
    for (const b of [B1, B2, B1, B2]) expect(await bus.deliver('pbx.events.default', b, b.batch_id)).toBe(true);
    const dead = { batch_id: 'fpA:dead-9', site: 'default', dead: [{ event_id: 'fpA:9', site: 'default', source: 'test', offset: 9, line_no: 3, raw: 'x|y', reason: 'too_few_columns', rejected_at: T }] };
    await bus.deliver('pbx.dead.default', dead, dead.batch_id);
    await bus.deliver('pbx.dead.default', dead, dead.batch_id);
    // Rows without FINAL: no duplicate ever lands.
    expect(await scalar(ch, 'SELECT count() AS v FROM stints')).toBe(3);
    expect(await scalar(ch, 'SELECT count() AS v FROM queue_events')).toBe(8);
    expect(await scalar(ch, 'SELECT count() AS v FROM dead_letters')).toBe(1);
    const rows = await (await ch.client.query({ query: 'SELECT callid, outcome, wait_s, talk_s, toUnixTimestamp(enter_ts) AS e FROM stints ORDER BY callid', format: 'JSONEachRow' })).json();
    expect(rows).toEqual([
      { callid: 'c1', outcome: 'answered', wait_s: 5, talk_s: 95, e: T },
      { callid: 'c2', outcome: 'abandoned', wait_s: 29, talk_s: null, e: T + 1 },
      { callid: 'c3', outcome: 'refused', wait_s: 0, talk_s: null, e: T + 101 },
    ]);
    await waitForSnapshot(bus, (m) => m.queues.some((q) => q.queue === 'q2' && q.waiting_now === 2));
    const msg = await waitForSnapshot(bus, (m) => m.queues.some((q) => q.queue === 'q1' && q.windows.today.offered === 2));
    const q1 = msg.queues.find((q) => q.queue === 'q1');
    expect(q1?.windows.today).toMatchObject({ offered: 2, answered: 1, answered_within: 1, abandoned: 1, refused: 1, sl_pct: 50, asa_s: 5, aht_s: 95 });
    expect(p.latest().map((s) => [s.queue, s.waiting_now, s.longest_current_wait_s])).toEqual([
      ['q1', 0, null],
      ['q2', 2, 600 - 102],
    ]);
    await p.stop();
  });

  it('a restart rebuilds open stints and the dedup watermark from stored events', async () => {
    const bus = new TestBus();
    const p = await start(bus);
    // Before any new event, the rebuilt state already shows the two callers waiting in q2.
    expect(p.latest().find((s) => s.queue === 'q2')).toMatchObject({ waiting_now: 2, longest_current_wait_s: 498 });
    expect(p.latest().find((s) => s.queue === 'q1')?.windows.today.offered).toBe(2);
    // An old batch redelivered after the restart adds nothing.
    await bus.deliver('pbx.events.default', B2, B2.batch_id);
    expect(await bus.deliver('pbx.events.default', B3, B3.batch_id)).toBe(true);
    const row = await (await ch.client.query({ query: "SELECT outcome, enter_seen, wait_s, toUnixTimestamp(enter_ts) AS e FROM stints WHERE callid = 'c4'", format: 'JSONEachRow' })).json();
    expect(row).toEqual([{ outcome: 'timeout', enter_seen: true, wait_s: 28, e: T + 102 }]);
    expect(await scalar(ch, 'SELECT count() AS v FROM stints')).toBe(4);
    await p.stop();
  });

  it('a failed insert is retried with the same rows; a crash between inserts is repaired by the redelivery', async () => {
    // Fail the queue_events insert: first once (bus retry), then always (crash before ack).
    let failEvents = 0;
    const flaky = failingInserts(ch, (table) => {
      if (table !== 'queue_events' || failEvents <= 0) return false;
      failEvents -= 1;
      return true;
    });
    const bus = new TestBus(3);
    const p = await start(bus, flaky);
    failEvents = 1;
    expect(await bus.deliver('pbx.events.default', B4, B4.batch_id)).toBe(true);
    expect(await scalar(ch, "SELECT count() AS v FROM stints WHERE callid = 'c5'")).toBe(1);
    await p.stop();

    const B5 = batch('fpA:8-9', lines(`
      200|c6|q3|NONE|ENTERQUEUE||559|1
      210|c6|q3|NONE|ABANDON|1|1|10`));
    const bus2 = new TestBus(2);
    const p2 = await start(bus2, flaky);
    failEvents = 1_000_000; // the stints are stored, the events never are: the process "dies" retrying
    const delivered = bus2.deliver('pbx.events.default', B5, B5.batch_id);
    await waitForValue(() => scalar(ch, "SELECT count() AS v FROM stints WHERE callid = 'c6'"), 1);
    await p2.stop();
    expect(await delivered).toBe(false); // never acknowledged
    expect(await scalar(ch, "SELECT count() AS v FROM stints WHERE callid = 'c6'")).toBe(1);
    expect(await scalar(ch, "SELECT count() AS v FROM queue_events WHERE callid = 'c6'")).toBe(0);

    failEvents = 0;
    const bus3 = new TestBus();
    const p3 = await start(bus3, ch);
    expect(await bus3.deliver('pbx.events.default', B5, B5.batch_id)).toBe(true);
    expect(await scalar(ch, "SELECT count() AS v FROM stints WHERE callid = 'c6'")).toBe(1);
    expect(await scalar(ch, "SELECT count() AS v FROM queue_events WHERE callid = 'c6'")).toBe(2);
    expect(await scalar(ch, 'SELECT count() AS v FROM stints')).toBe(6);
    expect(await scalar(ch, 'SELECT count() AS v FROM (SELECT stint_id FROM stints GROUP BY stint_id HAVING count() > 1)')).toBe(0);
    await p3.stop();
  });

  it('a commit of several messages cut by a crash is stored once when its messages come back in other groups', async () => {
    const B6 = batch('fpA:10-11', lines(`
      300|NONE|q3|Bob|ADDMEMBER|
      301|c7|q3|NONE|ENTERQUEUE||560|1
      302|NONE|q3|Bob|PAUSE|Lunch`));
    const B7 = batch('fpA:12-13', lines(`
      320|NONE|q3|Bob|UNPAUSE|
      330|c7|q3|NONE|ABANDON|1|1|29
      340|NONE|q3|Bob|REMOVEMEMBER|`));
    const neverEvents = failingInserts(ch, (table) => table === 'queue_events');
    const bus = new TestBus(2);
    const p = await start(bus, neverEvents);
    const group = [B6, B7].map((b) => ({ subject: 'pbx.events.default', body: b, msgId: b.batch_id }));
    const delivered = bus.deliverGroup(group);
    await waitForValue(() => scalar(ch, "SELECT count() AS v FROM agent_pauses WHERE agent = 'Bob'"), 1);
    await p.stop();
    expect(await delivered).toBe(false);
    // The rows of the commit are stored, its events are not.
    expect(await scalar(ch, "SELECT count() AS v FROM stints WHERE callid = 'c7'")).toBe(1);
    expect(await scalar(ch, "SELECT count() AS v FROM agent_sessions WHERE agent = 'Bob'")).toBe(1);
    expect(await scalar(ch, "SELECT count() AS v FROM agent_pauses WHERE agent = 'Bob'")).toBe(1);
    expect(await scalar(ch, "SELECT count() AS v FROM queue_events WHERE callid = 'c7' OR agent = 'Bob'")).toBe(0);

    // After the restart the same messages come one by one (another grouping, other tokens).
    const bus2 = new TestBus();
    const p2 = await start(bus2);
    expect(await bus2.deliver('pbx.events.default', B6, B6.batch_id)).toBe(true);
    expect(await bus2.deliver('pbx.events.default', B7, B7.batch_id)).toBe(true);
    await p2.stop();
    // Counted without FINAL: nothing twice, nothing missing.
    expect(await scalar(ch, "SELECT count() AS v FROM stints WHERE callid = 'c7'")).toBe(1);
    expect(await scalar(ch, "SELECT count() AS v FROM agent_sessions WHERE agent = 'Bob'")).toBe(1);
    expect(await scalar(ch, "SELECT count() AS v FROM agent_pauses WHERE agent = 'Bob'")).toBe(1);
    expect(await scalar(ch, "SELECT count() AS v FROM queue_events WHERE callid = 'c7' OR agent = 'Bob'")).toBe(6);
    const pause = await (await ch.client.query({ query: "SELECT reason, toUnixTimestamp(start_ts) - {t:Int64} AS s, toUnixTimestamp(end_ts) - {t:Int64} AS e FROM agent_pauses WHERE agent = 'Bob'", query_params: { t: T }, format: 'JSONEachRow' })).json();
    expect(pause).toEqual([{ reason: 'Lunch', s: 302, e: 320 }]);
    // The next commit numbers on from the newest stored one.
    expect(await scalar(ch, "SELECT max(commit_id) AS v FROM stints WHERE callid = 'c7'")).toBeGreaterThan(0);
  });

  it('skips an unreadable message instead of blocking the stream', async () => {
    const bus = new TestBus();
    const p = await start(bus);
    expect(await bus.deliver('pbx.events.default', '{not json', 'bad-1')).toBe(true);
    await p.stop();
  });
});

async function waitForSnapshot(bus: TestBus, pred: (m: SnapshotMessage) => boolean): Promise<SnapshotMessage> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    for (const e of bus.emitted) {
      const m = e.data as SnapshotMessage;
      if (e.subject === 'kpi.queue.default' && m.type === 'snapshots' && pred(m)) return m;
    }
    if (Date.now() > deadline) throw new Error('no matching snapshot');
    await new Promise((r) => setTimeout(r, 20));
  }
}
