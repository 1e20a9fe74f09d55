// The processor's live output with injected clocks and a hand-driven ticker: snapshot pacing per
// site (one message at most every 100 ms with the queues changed since the previous one, every
// queue at the 5 s heartbeat), and queue alerts (raised at once,
// cleared after the hysteresis hold, stored with their times, taken back after a restart).
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBatch, QueueEvent } from '@tablero/ingest/contract';
import { LIVE_RESYNC_SUBJECT, type AlertMessage, type SnapshotMessage } from './contract.ts';
import { defaultProcessorSettings, type AlertThresholds } from './core/settings.ts';
import { startProcessor, type Processor } from './service.ts';
import { TestBus } from './testing/bus.ts';
import { freshClickHouse, scalar } from './testing/clickhouse.ts';
import { eventMaker } from './testing/events.ts';

const log = pino({ level: 'silent' });
const T = Date.UTC(2026, 10, 9, 14, 0, 0) / 1000;

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
  clock: { mono: number; wall: number };
  /** Runs one tick at the given monotonic ms; returns what it published. */
  /** Wake-ups the processor asked for (`soon`), not run unless a test runs them. */
  wakes: Array<{ ms: number; fn: () => void }>;
  /** Runs the periodic tick (or `fn`, e.g. a wake-up) at monotonic time `mono`; what it published. */
  tick(mono: number, fn?: () => void): { snaps: Array<[string, number, number]>; alerts: Array<[string, string, string, number | null]> };
  send(lines: string): Promise<void>;
}

async function harness(fingerprint: string, alerts: Record<string, Partial<AlertThresholds>>): Promise<Harness> {
  const settings = defaultProcessorSettings();
  for (const [q, a] of Object.entries(alerts)) settings.defaultSite.queues[q] = { alerts: a };
  const clock = { mono: 0, wall: (T + 600) * 1000 };
  const wakes: Array<{ ms: number; fn: () => void }> = [];
  let tickFn: () => void = () => {
    throw new Error('no ticker');
  };
  const bus = new TestBus();
  const p = await startProcessor(
    {
      bus, ch: ch, log, now: () => clock.wall, monotonicNow: () => clock.mono,
      every: (ms, fn) => {
        expect(ms).toBe(250);
        tickFn = fn;
        return () => undefined;
      },
      soon: (ms, fn) => void wakes.push({ ms, fn }),
    },
    { tz: 'UTC', settings: { settings }, alertRules: { clearHoldMs: 1_000 } },
  );
  const make = eventMaker({ fingerprint });
  let n = 0;
  return {
    bus, p, clock, wakes,
    tick(mono, fn = tickFn) {
      clock.mono = mono;
      const from = bus.emitted.length;
      fn();
      const out: ReturnType<Harness['tick']> = { snaps: [], alerts: [] };
      for (const e of bus.emitted.slice(from)) {
        if (e.subject === 'kpi.supervisor.default') continue; // paced per site, tested in service-supervisor
        if (e.subject === 'kpi.processor') continue; // storage health, tested in service-poison
        expect(e.subject).toBe('kpi.queue.default');
        const m = e.data as SnapshotMessage | AlertMessage;
        if (m.type === 'snapshots') for (const q of m.queues) out.snaps.push([q.queue, q.waiting_now, q.talking_now]);
        else out.alerts.push([m.state, m.queue, m.metric, m.state === 'raised' ? m.raised_value : m.cleared_value]);
      }
      return out;
    },
    async send(lines) {
      const events: QueueEvent[] = make.lines(lines.replace(/^(\s*)(\d+)\|/gm, (_m, sp: string, d: string) => `${sp}${T + Number(d)}|`));
      const b: EventBatch = { batch_id: `${fingerprint}:${n++}`, site: 'default', events };
      expect(await bus.deliver('pbx.events.default', b, b.batch_id)).toBe(true);
    },
  };
}

describe('live output of the processor service', () => {
  it('paces snapshots per site, with only the changed queues, and raises and clears a waiting alert', async () => {
    const h = await harness('fpP', { q1: { waiting_above: 1, sl_below_pct: 50 } });
    expect(h.tick(0)).toEqual({ snaps: [], alerts: [] }); // no queue known yet
    await h.send(`
      0|c1|q1|NONE|ENTERQUEUE||555|1
      1|c2|q1|NONE|ENTERQUEUE||556|2`);
    // The site's first message at once (with every queue); two waiting > 1 raises the alert in the same tick.
    expect(h.tick(10)).toEqual({ snaps: [['q1', 2, 0]], alerts: [['raised', 'q1', 'waiting_now', 2]] });
    // The snapshot of the same tick already lists the raised alert (late joiners learn it there).
    expect(h.bus.emitted.map((e) => e.data as SnapshotMessage | AlertMessage).filter((m) => m.type === 'snapshots').at(-1)?.queues[0]?.alerts).toEqual(['waiting_now']);
    await h.send('2|c3|q2|NONE|ENTERQUEUE||557|1');
    expect(h.tick(100)).toEqual({ snaps: [], alerts: [] }); // q2 changed, but only 90 ms after the site's last message
    expect(h.tick(110)).toEqual({ snaps: [['q2', 1, 0]], alerts: [] }); // q1 unchanged: not repeated
    await h.send('5|c1|q1|Ann|CONNECT|5|c1.1|1');
    expect(h.tick(200)).toEqual({ snaps: [], alerts: [] }); // q1 changed, but only 90 ms after the site's last
    expect(h.tick(209)).toEqual({ snaps: [], alerts: [] });
    expect(h.tick(210)).toEqual({ snaps: [['q1', 1, 1]], alerts: [] }); // one waiting: inside the band, still raised
    await h.send('30|c2|q1|NONE|ABANDON|1|2|29');
    // No one waiting: the waiting alert's clear condition starts (hold 1 s). The abandon after
    // 29 s (T = 20) puts today's SL at 0 %, under 50: the SL alert is raised at once.
    expect(h.tick(600)).toEqual({ snaps: [['q1', 0, 1]], alerts: [['raised', 'q1', 'sl_pct', 0]] });
    h.clock.wall += 999;
    expect(h.tick(700)).toEqual({ snaps: [], alerts: [] });
    h.clock.wall += 1;
    expect(h.tick(800)).toEqual({ snaps: [], alerts: [['cleared', 'q1', 'waiting_now', 0]] });
    expect(h.p.latest().map((q) => [q.queue, q.alerts])).toEqual([['q1', ['sl_pct']], ['q2', []]]);
    // c1 ends answered within T: SL 1/2 = 50 %, not under 50 but inside the 2-point band: stays raised.
    await h.send('100|c1|q1|Ann|COMPLETECALLER|5|95|1');
    expect(h.tick(1_100)).toEqual({ snaps: [['q1', 0, 0]], alerts: [] });
    h.clock.wall += 5_000;
    expect(h.tick(1_200)).toEqual({ snaps: [], alerts: [] });
    await h.send(`
      101|c4|q1|NONE|ENTERQUEUE||558|1
      103|c4|q1|Bob|CONNECT|2|c4.1|1
      110|c4|q1|Bob|COMPLETECALLER|2|7|1`);
    expect(h.tick(1_400)).toEqual({ snaps: [['q1', 0, 0]], alerts: [] }); // SL 2/3: clear condition starts
    h.clock.wall += 1_000;
    expect(h.tick(1_500)).toEqual({ snaps: [], alerts: [['cleared', 'q1', 'sl_pct', 66.67]] });
    // Nothing changes: the heartbeat, every queue of the site, 5 s after the site's last one.
    expect(h.tick(5_009)).toEqual({ snaps: [], alerts: [] });
    expect(h.tick(5_010)).toEqual({ snaps: [['q1', 0, 0], ['q2', 1, 0]], alerts: [] });
    expect(h.tick(10_009)).toEqual({ snaps: [], alerts: [] });
    expect(h.tick(10_010)).toEqual({ snaps: [['q1', 0, 0], ['q2', 1, 0]], alerts: [] });
    // A site-wide event (PAUSEALL, queue NONE) changes every queue of the site.
    await h.send('140|NONE|NONE|Ann|PAUSEALL|Lunch');
    expect(h.tick(10_200)).toEqual({ snaps: [['q1', 0, 0], ['q2', 1, 0]], alerts: [] });
    expect(h.tick(11_000)).toEqual({ snaps: [], alerts: [] });
    // A dashboard that just started asks for the whole picture (LIVE_RESYNC_SUBJECT): every queue
    // at the next tick, not at the heartbeat 4.2 s later; then quiet again.
    expect(h.bus.hear(LIVE_RESYNC_SUBJECT)).toBe(1);
    expect(h.tick(11_250)).toEqual({ snaps: [['q1', 0, 0], ['q2', 1, 0]], alerts: [] });
    expect(h.tick(11_500)).toEqual({ snaps: [], alerts: [] });
    await h.p.stop();
    expect(h.bus.hear(LIVE_RESYNC_SUBJECT)).toBe(0); // stopped: no longer listening

    const rows = await (
      await ch.client.query({
        query: `SELECT alert_id, queue, metric, threshold, toFloat64(toUnixTimestamp64Milli(raised_at)) AS raised, toFloat64(toUnixTimestamp64Milli(cleared_at)) AS cleared,
                       raised_value, cleared_value, peak_value FROM alerts FINAL ORDER BY raised_at, metric`,
        format: 'JSONEachRow',
      })
    ).json();
    const raisedAt = (T + 600) * 1000;
    expect(rows).toEqual([
      { alert_id: `default|q1|sl_pct|${raisedAt}`, queue: 'q1', metric: 'sl_pct', threshold: 50, raised: raisedAt, cleared: raisedAt + 7_000, raised_value: 0, cleared_value: 66.67, peak_value: 0 },
      { alert_id: `default|q1|waiting_now|${raisedAt}`, queue: 'q1', metric: 'waiting_now', threshold: 1, raised: raisedAt, cleared: raisedAt + 1_000, raised_value: 2, cleared_value: 0, peak_value: 2 },
    ]);
    // Without FINAL: never two rows of one alert state (a background merge may already have
    // folded the raise row into the clear row, so the plain count is 2 to 4).
    expect(await scalar(ch, 'SELECT max(c) AS v FROM (SELECT count() AS c FROM alerts GROUP BY alert_id, version)')).toBe(1);
  });

  it('wakes up for a changed site at once, or when its pacing allows, instead of waiting for the next tick', async () => {
    const h = await harness('fpW', {});
    h.clock.mono = 1_000;
    await h.send('0|w1|s1|NONE|ENTERQUEUE||555|1');
    // Never published: due at once.
    expect(h.wakes.map((w) => w.ms)).toEqual([0]);
    const first = h.wakes.shift() as { fn: () => void };
    // (q1 and q2 of the tests before are stored, never published by this process: they come too.)
    expect(h.tick(1_000, first.fn).snaps).toEqual([['q1', 0, 0], ['q2', 1, 0], ['s1', 1, 0]]);
    // Changed 40 ms after the site's message: the wake-up is asked for the remaining 60 ms.
    h.clock.mono = 1_040;
    await h.send('1|w2|s1|NONE|ENTERQUEUE||556|1');
    expect(h.wakes.map((w) => w.ms)).toEqual([60]);
    const second = h.wakes.shift() as { fn: () => void };
    expect(h.tick(1_100, second.fn).snaps).toEqual([['s1', 2, 0]]);
    // The supervisor view has its own 250 ms pacing: one more wake-up for it, with no snapshots.
    expect(h.wakes.map((w) => w.ms)).toEqual([150]);
    const third = h.wakes.shift() as { fn: () => void };
    expect(h.tick(1_250, third.fn).snaps).toEqual([]);
    expect(h.bus.emitted.at(-1)?.subject).toBe('kpi.supervisor.default');
    // One armed wake-up at a time, and none when nothing changed.
    expect(h.wakes).toEqual([]);
    await h.p.stop();
  });

  it('an alert open at a restart is taken back and cleared once, with its first id', async () => {
    const h = await harness('fpR', { r1: { waiting_above: 1 } });
    await h.send(`
      0|d1|r1|NONE|ENTERQUEUE||555|1
      1|d2|r1|NONE|ENTERQUEUE||556|2`);
    const raised = h.tick(0).alerts;
    expect(raised).toEqual([['raised', 'r1', 'waiting_now', 2]]);
    const [open] = h.p.alerts();
    await h.p.stop();

    const h2 = await harness('fpR2', { r1: { waiting_above: 1 } });
    expect(h2.p.alerts()).toEqual([open]);
    expect(h2.tick(0).alerts).toEqual([]); // still two waiting (rebuilt from queue_events): no second raise
    await h2.send(`
      50|d1|r1|NONE|ABANDON|1|1|50
      51|d2|r1|NONE|ABANDON|1|1|50`);
    expect(h2.tick(300).alerts).toEqual([]);
    h2.clock.wall += 1_000;
    const cleared = h2.bus.emitted.length;
    expect(h2.tick(600).alerts).toEqual([['cleared', 'r1', 'waiting_now', 0]]);
    expect((h2.bus.emitted[cleared]?.data as AlertMessage).alert_id).toBe(open?.alert_id);
    await h2.p.stop();
    expect(await scalar(ch, "SELECT count() AS v FROM alerts FINAL WHERE queue = 'r1' AND cleared_at IS NOT NULL")).toBe(1);
    expect(await scalar(ch, "SELECT max(c) AS v FROM (SELECT count() AS c FROM alerts WHERE queue = 'r1' GROUP BY alert_id, version)")).toBe(1);
  });
});
