// The supervisor view the processor publishes (kpi.supervisor.<site>) against its own state
// machines, with late and out-of-order events; live figures for today against the stored ones;
// and stale open calls (before the site's last QUEUESTART, or no event for the horizon) left out
// of every live figure and listed. Embedded ClickHouse, injected clocks, hand-driven ticks.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBatch, QueueEvent } from '@tablero/ingest/contract';
import type { KpiFigures, QueueSnapshot, SupervisorMessage } from './contract.ts';
import { defaultProcessorSettings, type ProcessorSettings } from './core/settings.ts';
import { startProcessor, type Processor } from './service.ts';
import { queryKpis } from './store/kpi-query.ts';
import { TestBus } from './testing/bus.ts';
import { freshClickHouse } from './testing/clickhouse.ts';
import { eventMaker } from './testing/events.ts';

const log = pino({ level: 'silent' });
/** 2026-11-09 14:00 UTC; the processor's wall clock is 10 minutes later, the same UTC day. */
const T = Date.UTC(2026, 10, 9, 14, 0, 0) / 1000;
const NOW_MS = (T + 600) * 1000;

let ch: Awaited<ReturnType<typeof freshClickHouse>>;
beforeAll(async () => {
  ch = await freshClickHouse();
});
afterAll(async () => {
  await ch?.dispose();
});

interface Harness {
  bus: TestBus;
  p: Processor;
  clock: { mono: number };
  tick(mono: number): void;
  /** Sends queue_log lines of one source; `N|` at a line start is T + N. */
  send(site: string, fingerprint: string, lines: string): Promise<void>;
  /** The supervisor messages published so far for `site`. */
  published(site: string): SupervisorMessage[];
}

async function harness(settings: ProcessorSettings = defaultProcessorSettings(), staleCallS?: number): Promise<Harness> {
  const clock = { mono: 0 };
  let tickFn: () => void = () => {
    throw new Error('no ticker');
  };
  const bus = new TestBus();
  const p = await startProcessor(
    {
      bus, ch, log, now: () => NOW_MS, monotonicNow: () => clock.mono,
      every: (_ms, fn) => {
        tickFn = fn;
        return () => undefined;
      },
      soon: () => undefined,
    },
    { tz: 'UTC', settings: { settings }, ...(staleCallS === undefined ? {} : { staleCallS }) },
  );
  const makers = new Map<string, ReturnType<typeof eventMaker>>();
  let n = 0;
  return {
    bus, p, clock,
    tick(mono) {
      clock.mono = mono;
      tickFn();
    },
    async send(site, fingerprint, lines) {
      let make = makers.get(fingerprint);
      if (!make) makers.set(fingerprint, (make = eventMaker({ site, fingerprint })));
      const events: QueueEvent[] = make.lines(lines.replace(/^(\s*)(-?\d+)\|/gm, (_m, sp: string, d: string) => `${sp}${T + Number(d)}|`));
      const b: EventBatch = { batch_id: `${fingerprint}:${n++}`, site, events };
      expect(await bus.deliver(`pbx.events.${site}`, b, b.batch_id)).toBe(true);
    },
    published(site) {
      return bus.emitted.filter((e) => e.subject === `kpi.supervisor.${site}`).map((e) => e.data as SupervisorMessage);
    },
  };
}

const snapOf = (p: Processor, site: string, queue: string): QueueSnapshot | undefined => p.latest().find((s) => s.site === site && s.queue === queue);

describe('supervisor view', () => {
  it('equals the state machines: late and out-of-order events, a pause with reason, a call in progress, a waiting caller, an abandon answered later', async () => {
    const h = await harness();
    // PBX 1, in file order (its clock stepped back before Beto's pause line).
    await h.send('sup', 'pbx1', `
      0|NONE|q1|Ana|ADDMEMBER|
      0|NONE|q1|Beto|ADDMEMBER|
      0|NONE|q1|Caro|ADDMEMBER|
      10|c1|q1|NONE|ENTERQUEUE||70012345|1
      15|c1|q1|NONE|ABANDON|1|1|5
      20|c2|q1|NONE|ENTERQUEUE||71111111|1
      25|c2|q1|Ana|CONNECT|5|c2.1|1
      100|c3|q1|NONE|ENTERQUEUE||70012345|1
      30|NONE|q1|Beto|PAUSE|Almuerzo
      105|c3|q1|Caro|CONNECT|5|c3.1|1
      160|c3|q1|Caro|COMPLETECALLER|5|55|1
      200|c4|q1|NONE|ENTERQUEUE||72222222|1`);
    // PBX 2 of the same site arrives late: its lines are older than PBX 1's newest.
    await h.send('sup', 'pbx2', `
      50|c5|q2|NONE|ENTERQUEUE||74444444|1
      53|c5|q2|NONE|ABANDON|1|1|3
      60|c6|q2|NONE|ENTERQUEUE||75555555|1`);
    h.tick(0);
    const expected: SupervisorMessage = {
      type: 'supervisor',
      site: 'sup',
      at_ms: NOW_MS,
      data_ts: T + 200,
      agents: [
        { site: 'sup', agent: 'Ana', queues: ['q1'], state: 'on_call', since_s: T + 25, pause_reason: '', call: { queue: 'q1', callid: 'c2', since_s: T + 25 }, answered_today: 0 },
        { site: 'sup', agent: 'Beto', queues: ['q1'], state: 'paused', since_s: T + 30, pause_reason: 'Almuerzo', call: null, answered_today: 0 },
        { site: 'sup', agent: 'Caro', queues: ['q1'], state: 'available', since_s: T + 160, pause_reason: '', call: null, answered_today: 1 },
      ],
      waiting: [
        { site: 'sup', queue: 'q2', callid: 'c6', caller: '75555555', enter_s: T + 60 },
        { site: 'sup', queue: 'q1', callid: 'c4', caller: '72222222', enter_s: T + 200 },
      ],
      abandoned: [
        { site: 'sup', queue: 'q2', callid: 'c5', caller: '74444444', enter_s: T + 50, end_s: T + 53, wait_s: 3, answered_after: false },
        { site: 'sup', queue: 'q1', callid: 'c1', caller: '70012345', enter_s: T + 10, end_s: T + 15, wait_s: 5, answered_after: true },
      ],
      stale_calls: [],
    };
    expect(h.published('sup')).toEqual([expected]);
    expect(h.p.supervisor()).toEqual([expected]);
    // The queue snapshots count the same agents and callers.
    expect([snapOf(h.p, 'sup', 'q1'), snapOf(h.p, 'sup', 'q2')].map((s) => [s?.waiting_now, s?.talking_now, s?.agents])).toEqual([
      [1, 1, { logged_in: 3, available: 1, on_call: 1, paused: 1 }],
      [1, 0, { logged_in: 0, available: 0, on_call: 0, paused: 0 }],
    ]);

    // Paced per site: unchanged -> nothing until 5 s; a change -> at once when 250 ms have passed.
    h.tick(4_999);
    expect(h.published('sup')).toHaveLength(1);
    await h.send('sup', 'pbx1', '210|NONE|q1|Beto|UNPAUSE|');
    h.tick(5_000);
    expect(h.published('sup').at(-1)?.agents[1]).toEqual({ ...expected.agents[1], state: 'available', since_s: T + 210, pause_reason: '' });
    await h.send('sup', 'pbx1', '211|NONE|q1|Beto|PAUSE|Reunión');
    h.tick(5_249);
    expect(h.published('sup')).toHaveLength(2);
    h.tick(5_250);
    expect(h.published('sup').at(-1)?.agents[1]).toEqual({ ...expected.agents[1], since_s: T + 211, pause_reason: 'Reunión' });
    // A new reason without an unpause is a new pause: its time counts from the change.
    await h.send('sup', 'pbx1', '230|NONE|q1|Beto|PAUSE|Baño');
    h.tick(5_500);
    expect(h.published('sup').at(-1)?.agents[1]).toEqual({ ...expected.agents[1], since_s: T + 230, pause_reason: 'Baño' });
    const before = h.p.supervisor();
    await h.p.stop();

    // A restart rebuilds the same view from what was stored (events replayed, stints re-read).
    const again = await harness();
    expect(again.p.supervisor()).toEqual(before);
    await again.p.stop();
  });

  it("live figures for today equal the stored ones once the commit is stored, with a non-default definition", async () => {
    const settings = defaultProcessorSettings();
    settings.defaultSite.defaults = { ...settings.defaultSite.defaults, threshold_s: 30, short_abandon_s: 5, formula: 'answered' };
    settings.defaultSite.queues['k2'] = { threshold_s: 10, strict: true };
    const h = await harness(settings);
    await h.send('kpi', 'k1', `
      0|a1|k1|NONE|ENTERQUEUE||1|1
      25|a1|k1|Ana|CONNECT|25|a1.1|1
      85|a1|k1|Ana|COMPLETECALLER|25|60|1
      1|a2|k1|NONE|ENTERQUEUE||2|1
      4|a2|k1|NONE|ABANDON|1|1|3
      2|a3|k1|NONE|ENTERQUEUE||3|1
      42|a3|k1|NONE|ABANDON|1|1|40
      3|a4|k1|NONE|ENTERQUEUE||4|1
      43|a4|k1|Bea|CONNECT|40|a4.1|1
      50|a4|k1|Bea|COMPLETEAGENT|40|7|1
      5|b1|k2|NONE|ENTERQUEUE||5|1
      15|b1|k2|Ana|CONNECT|10|b1.1|1
      30|b1|k2|Ana|COMPLETECALLER|10|15|1
      6|b2|k2|NONE|ENTERQUEUE||6|1
      12|b2|k2|Bea|CONNECT|6|b2.1|1
      99|b2|k2|Bea|TRANSFER|200|ctx|6|87
      7|b3|k2|NONE|ENTERQUEUE||7|1
      100|b3|k2|NONE|EXITWITHTIMEOUT|1|1|93
      8|b4|k2|NONE|ENTERQUEUE||8|1`);
    const day = new Date(T * 1000).toISOString().slice(0, 10);
    const next = new Date((T + 86_400) * 1000).toISOString().slice(0, 10);
    const stored = await queryKpis(ch, { from: day, to: next, site: 'kpi', tz: 'UTC' }, { defaultTz: 'UTC', baseSettings: settings });
    const figures = (r: KpiFigures): KpiFigures => ({
      offered: r.offered, answered: r.answered, answered_within: r.answered_within, unanswered: r.unanswered, abandoned: r.abandoned,
      timeout: r.timeout, exit_key: r.exit_key, exit_empty: r.exit_empty, withdrawn: r.withdrawn, failed: r.failed, refused: r.refused,
      short_abandoned: r.short_abandoned, out_of_hours: r.out_of_hours, sl_pct: r.sl_pct, abandon_rate_pct: r.abandon_rate_pct,
      unanswered_rate_pct: r.unanswered_rate_pct, asa_s: r.asa_s, avg_abandon_wait_s: r.avg_abandon_wait_s, aht_s: r.aht_s, longest_wait_s: r.longest_wait_s,
    });
    expect(stored.map((r) => [r.queue, r.period, figures(r)])).toEqual(
      ['k1', 'k2'].map((q) => [q, day, figures((snapOf(h.p, 'kpi', q) as QueueSnapshot).windows.today)]),
    );
    // Not trivially equal: the definitions differ per queue and the figures are not zeros.
    expect(stored.map((r) => [r.queue, r.offered, r.answered, r.answered_within, r.short_abandoned, r.sl_pct])).toEqual([
      ['k1', 3, 2, 1, 1, 50],
      ['k2', 3, 2, 1, 0, 50],
    ]);
    expect(snapOf(h.p, 'kpi', 'k2')?.waiting_now).toBe(1);
    await h.p.stop();
  });
});

describe('stale open calls', () => {
  it('a call with no event for the horizon, and one open before a QUEUESTART, are neither waiting nor on call, and are listed', async () => {
    const h = await harness();
    const AGO = 600; // T + AGO is the processor's now
    await h.send('hz', 'hz1', `
      ${AGO - 5 * 3600}|old1|h1|NONE|ENTERQUEUE||76000001|1
      ${AGO - 3 * 3600}|mid1|h1|NONE|ENTERQUEUE||76000002|1
      ${AGO - 5 * 3600}|old2|h1|NONE|ENTERQUEUE||76000003|1
      ${AGO - 5 * 3600 + 5}|old2|h1|Gabi|CONNECT|5|old2.1|1`);
    await h.send('rs', 'rs1', `
      100|NONE|NONE|NONE|QUEUESTART|
      101|NONE|r1|Eva|ADDMEMBER|
      120|new1|r1|NONE|ENTERQUEUE||77000001|1`);
    // A late file with lines from before the restart: the PBX forgot these calls at the restart.
    await h.send('rs', 'rs2', `
      70|pre1|r1|NONE|ENTERQUEUE||77000002|1
      75|pre1|r1|Eva|CONNECT|5|pre1.1|1
      80|pre2|r1|NONE|ENTERQUEUE||77000003|1`);
    h.tick(0);

    expect(['h1', 'r1'].map((q) => {
      const s = h.p.latest().find((x) => x.queue === q) as QueueSnapshot;
      return [q, s.waiting_now, s.talking_now, s.longest_current_wait_s, s.agents];
    })).toEqual([
      ['h1', 1, 0, 3 * 3600, { logged_in: 1, available: 1, on_call: 0, paused: 0 }],
      ['r1', 1, 0, 600 - 120, { logged_in: 1, available: 1, on_call: 0, paused: 0 }],
    ]);
    const [hz] = h.published('hz');
    expect(hz?.waiting).toEqual([{ site: 'hz', queue: 'h1', callid: 'mid1', caller: '76000002', enter_s: T + AGO - 3 * 3600 }]);
    expect(hz?.agents).toEqual([
      // Its only call is stale: not on call (time in state from its last state change).
      { site: 'hz', agent: 'Gabi', queues: ['h1'], state: 'available', since_s: T + AGO - 5 * 3600 + 5, pause_reason: '', call: null, answered_today: 0 },
    ]);
    expect(hz?.stale_calls).toEqual([
      { site: 'hz', queue: 'h1', callid: 'old1', enter_s: T + AGO - 5 * 3600, last_event_s: T + AGO - 5 * 3600, reason: 'no_event_for_horizon' },
      { site: 'hz', queue: 'h1', callid: 'old2', enter_s: T + AGO - 5 * 3600, last_event_s: T + AGO - 5 * 3600 + 5, reason: 'no_event_for_horizon' },
    ]);
    const [rs] = h.published('rs');
    expect(rs?.waiting).toEqual([{ site: 'rs', queue: 'r1', callid: 'new1', caller: '77000001', enter_s: T + 120 }]);
    expect(rs?.agents.map((a) => [a.agent, a.state, a.call])).toEqual([['Eva', 'available', null]]);
    expect(rs?.stale_calls).toEqual([
      { site: 'rs', queue: 'r1', callid: 'pre1', enter_s: T + 70, last_event_s: T + 75, reason: 'before_restart' },
      { site: 'rs', queue: 'r1', callid: 'pre2', enter_s: T + 80, last_event_s: T + 80, reason: 'before_restart' },
    ]);
    await h.p.stop();

    // The horizon is an option: at 6 h the 5-hour-old calls count again (stored stints never change).
    const wide = await harness(defaultProcessorSettings(), 6 * 3600);
    const h1 = wide.p.latest().find((x) => x.queue === 'h1');
    expect([h1?.waiting_now, h1?.talking_now, h1?.longest_current_wait_s]).toEqual([2, 1, 5 * 3600]);
    expect(wide.p.supervisor().find((m) => m.site === 'hz')?.stale_calls).toEqual([]);
    await wide.p.stop();
  });
});
