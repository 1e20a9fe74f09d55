// The same queue_log line counts once, whichever way it came (kpi-definitions §11 "Same line"),
// on embedded chDB with events parsed by ingest's own parser: a log tailed (its rotated part and
// the current file, each its own fingerprint) and later imported as one concatenated copy, with
// a processor restart between; pushed over HTTP and tailed. Each scenario is a site of its own,
// compared with a single-source run of the same lines (site `ref`).
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQueueLogLine } from '@tablero/ingest';
import type { EventBatch, QueueEvent } from '@tablero/ingest/contract';
import type { ClickHouse } from '@tablero/sql';
import { startProcessor, type Processor, type ProcessorConfig } from './service.ts';
import { TestBus } from './testing/bus.ts';
import { failingInserts, freshClickHouse, scalar } from './testing/clickhouse.ts';
import { dayLog } from './testing/day-log.ts';
import { applyEvent, createStintState } from './core/stint-machine.ts';

const T0 = Date.UTC(2026, 10, 9, 6, 0, 0) / 1000;
const NOW_MS = (T0 + 12 * 3600) * 1000;
const LOG = dayLog(T0, 900, 43); // about 11 hours
const ROTATED = LOG.slice(0, 1400); // queue_log.1
const CURRENT = LOG.slice(1400); // queue_log after the rotation

/** Batches as ingest cuts them: `lines` read from byte `fromOffset` of one source, 500 per batch. */
function batches(site: string, source: string, lines: string[], fromOffset = 0): EventBatch[] {
  const fingerprint = `${site}-${source}`; // as ingest's: the site is part of it
  const events: QueueEvent[] = [];
  let offset = fromOffset;
  for (const line of lines) {
    const r = parseQueueLogLine(line, { site, source: `test:${fingerprint}`, fingerprint, offset, lineNo: 0 });
    if (!r.ok) throw new Error(`${line}: ${r.reason}`);
    events.push(r.value);
    offset += Buffer.byteLength(line) + 1;
  }
  const out: EventBatch[] = [];
  for (let i = 0; i < events.length; i += 500) {
    const part = events.slice(i, i + 500);
    out.push({ batch_id: `${fingerprint}:${part[0]?.offset}-${part.at(-1)?.offset}`, site, events: part });
  }
  return out;
}

let ch: ClickHouse & { dispose(): Promise<void> };
beforeAll(async () => {
  ch = await freshClickHouse();
});
afterAll(async () => {
  await ch?.dispose();
});

/** A processor whose `sameLines()` gives the count of dropped lines it logs at stop. */
async function start(bus: TestBus, settings: Partial<ProcessorConfig> = {}, chx: ClickHouse = ch): Promise<Processor & { sameLines(): number }> {
  const logged: Array<{ msg?: string; same_line?: number }> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logged.push(JSON.parse(chunk.toString()) as { msg?: string; same_line?: number });
      done();
    },
  });
  const p = await startProcessor({ bus, ch: chx, log: pino({ level: 'info' }, sink), now: () => NOW_MS }, { tz: 'UTC', settings });
  return Object.assign(p, { sameLines: () => logged.find((l) => l.msg === 'processor stopped')?.same_line ?? -1 });
}

/** Delivers batches in groups of `per` messages, all groups at once (each waits its turn, as a pipelined consumer). */
async function deliverAll(bus: TestBus, list: EventBatch[], per = 2): Promise<void> {
  const groups: Array<Promise<boolean>> = [];
  for (let i = 0; i < list.length; i += per) {
    groups.push(bus.deliverGroup(list.slice(i, i + per).map((b) => ({ subject: `pbx.events.${b.site}`, body: b, msgId: b.batch_id }))));
  }
  expect(await Promise.all(groups)).toEqual(groups.map(() => true));
}

async function json<T>(query: string, site: string): Promise<T[]> {
  return (await ch.client.query({ query, query_params: { site }, format: 'JSONEachRow' })).json<T>();
}
/** Stint counts per queue and outcome, counted on the rows as stored (`final` false) or merged. */
const outcomes = (site: string, final: boolean): Promise<unknown[]> =>
  json(`SELECT queue, outcome, count() AS n FROM stints ${final ? 'FINAL' : ''} WHERE site = {site:String} GROUP BY queue, outcome ORDER BY queue, outcome`, site);
/** Every stored row of a site but its ids (they contain the site; see expectAsSingleSource). */
async function rowsOf(site: string): Promise<Record<string, unknown[]>> {
  return {
    stints: await json(
      `SELECT queue, callid, toUnixTimestamp(enter_ts) AS e, toUnixTimestamp(end_ts) AS x, outcome, wait_s, talk_s, agent, caller, transferred, enter_seen
       FROM stints WHERE site = {site:String} ORDER BY e, callid, queue`, site),
    sessions: await json(`SELECT agent, queue, toUnixTimestamp(start_ts) AS s, toUnixTimestamp(end_ts) AS e, end_reason FROM agent_sessions WHERE site = {site:String} ORDER BY s, agent, queue`, site),
    pauses: await json(`SELECT agent, queue, reason, toUnixTimestamp(start_ts) AS s, toUnixTimestamp(end_ts) AS e FROM agent_pauses WHERE site = {site:String} ORDER BY s, agent`, site),
    events: await json(`SELECT toUnixTimestamp(ts) AS t, callid, queue, agent, verb, data FROM queue_events WHERE site = {site:String} ORDER BY t, callid, verb, agent`, site),
  };
}
/**
 * The rows of `site` equal the single-source run's, counted without FINAL and with it; its stint
 * ids equal those of the stint machine fed the copy alone for the same site (ids name the opening
 * line, not the way it came).
 */
async function expectAsSingleSource(site: string): Promise<void> {
  expect(await rowsOf(site)).toEqual(await rowsOf('ref'));
  const single = createStintState();
  const ids = batches(site, 'single', LOG).flatMap((b) => b.events).flatMap((ev) => applyEvent(single, ev)).map((r) => r.stint_id);
  const stored = await json<{ stint_id: string }>('SELECT stint_id FROM stints WHERE site = {site:String}', site);
  expect(stored.map((r) => r.stint_id).sort()).toEqual(ids.sort());
  expect(await outcomes(site, false)).toEqual(await outcomes('ref', false));
  expect(await outcomes(site, true)).toEqual(await outcomes('ref', false));
}

describe('the same line counts once, whichever way it came', () => {
  beforeAll(async () => {
    // The single-source run: the concatenated copy imported alone.
    const bus = new TestBus();
    const p = await start(bus);
    await deliverAll(bus, batches('ref', 'ref-import', LOG));
    await p.stop();
    expect(p.sameLines()).toBe(0);
    expect(await scalar(ch, "SELECT count() AS v FROM queue_events WHERE site = 'ref'")).toBe(LOG.length);
    // 900 calls: 360 answered, 180 abandoned, 180 timeouts, 180 refused (FULL); 15 pauses.
    expect(await outcomes('ref', false)).toEqual(
      ['q0', 'q1', 'q2'].flatMap((queue) => ['abandoned', 'answered', 'refused', 'timeout'].map((outcome) => ({ queue, outcome, n: outcome === 'answered' ? 120 : 60 }))),
    );
    expect(await scalar(ch, "SELECT count() AS v FROM agent_pauses WHERE site = 'ref'")).toBe(15);
  });

  it('a tailed log, then a concatenated copy (rotated part + current file) imported after a restart: stored once', async () => {
    const site = 'ovl';
    // Tailed: the rotated part to its end, then the current file up to a point (ingest was down after).
    const half = Math.floor(CURRENT.length / 2);
    const bus = new TestBus();
    const p = await start(bus);
    await deliverAll(bus, [...batches(site, 'tail-1', ROTATED), ...batches(site, 'tail-0', CURRENT.slice(0, half))]);
    await p.stop();
    expect(p.sameLines()).toBe(0);
    // Restart (the replay reaches 6 h back: older lines are asked from ClickHouse), then the copy.
    const bus2 = new TestBus();
    const p2 = await start(bus2);
    await deliverAll(bus2, batches(site, 'import-all', LOG), 3);
    // The import sent again (another fingerprint, a gzip of the same file): nothing either.
    await deliverAll(bus2, batches(site, 'import-gz', LOG), 1);
    await p2.stop();
    expect(p2.sameLines()).toBe(ROTATED.length + half + LOG.length);
    expect(await scalar(ch, `SELECT count() AS v FROM queue_events WHERE site = '${site}'`)).toBe(LOG.length);
    await expectAsSingleSource(site);
  });

  it('the same without a restart, the copy taken in by the running processor (memory, then storage)', async () => {
    const site = 'ovl2';
    const bus = new TestBus();
    const p = await start(bus, { lineKeyWindowS: 1800 });
    await deliverAll(bus, [...batches(site, 'tail-1', ROTATED), ...batches(site, 'tail-0', CURRENT)]);
    await deliverAll(bus, batches(site, 'import-all', LOG), 4);
    await p.stop();
    expect(p.sameLines()).toBe(LOG.length);
    await expectAsSingleSource(site);
  });

  it('a crash between the inserts of a tailed commit, then the redelivery and the imported copy: stored once', async () => {
    const site = 'crash';
    const tail = [...batches(site, 'tail-1', ROTATED), ...batches(site, 'tail-0', CURRENT)];
    const first = tail.slice(0, 2).map((b) => ({ subject: `pbx.events.${site}`, body: b, msgId: b.batch_id }));
    // The stints of the first commit are stored, its events never are: the process "dies".
    const bus = new TestBus(2);
    const p = await start(bus, {}, failingInserts(ch, (table) => table === 'queue_events'));
    const delivered = bus.deliverGroup(first);
    for (let until = Date.now() + 20_000; (await scalar(ch, `SELECT count() AS v FROM stints WHERE site = '${site}'`)) === 0; ) {
      if (Date.now() > until) throw new Error('the stints of the first commit were not stored');
      await new Promise((r) => setTimeout(r, 20));
    }
    await p.stop();
    expect(await delivered).toBe(false);
    expect(await scalar(ch, `SELECT count() AS v FROM queue_events WHERE site = '${site}'`)).toBe(0);
    // Restarted: JetStream hands the unacknowledged messages over first, then the rest and the copy.
    const bus2 = new TestBus();
    const p2 = await start(bus2);
    await deliverAll(bus2, tail);
    await deliverAll(bus2, batches(site, 'import-all', LOG), 3);
    await p2.stop();
    expect(p2.sameLines()).toBe(LOG.length);
    await expectAsSingleSource(site);
  });

  it('lines pushed over HTTP and tailed, interleaved in the same groups: stored once', async () => {
    const site = 'push';
    // The shipper pushes the current file with its offsets while ingest tails the same file.
    const tail = [...batches(site, 'tail-1', ROTATED), ...batches(site, 'tail-0', CURRENT)];
    const push = batches(site, 'push-pbx1', CURRENT, 0);
    const bus = new TestBus();
    const p = await start(bus);
    const rotated = batches(site, 'tail-1', ROTATED).length;
    await deliverAll(bus, tail.slice(0, rotated));
    const mixed = push.flatMap((b, i) => [b, tail[rotated + i] as EventBatch]);
    await deliverAll(bus, mixed, 3);
    await p.stop();
    expect(p.sameLines()).toBe(CURRENT.length);
    await expectAsSingleSource(site);
  });
});
