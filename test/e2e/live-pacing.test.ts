// The per-site live pacing contract (issue 18), from the processor's publisher to what a client
// holds: at most one `snapshots` message every 100 ms per site with only the queues changed since
// the previous one (the first change after a quiet spell at once), every queue at the 5 s
// heartbeat. The real processor (embedded ClickHouse, in-process bus) runs on injected clocks
// with a virtual timer queue, so the assertions are about content and order in virtual time,
// never about the machine's speed. What it publishes goes through the dashboard server's
// LiveState (the picture a new WebSocket client gets at connect), and a client that joined
// mid-burst starts from that greeting and merges the partial messages that follow (the SPA's own
// merge, applySnapshots, is unit-tested in dashboard/src/lib/live-messages.test.ts).
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBatch } from '@tablero/ingest/contract';
import { startProcessor, type Processor } from '@tablero/processor';
import type { AlertMessage, QueueSnapshot, SnapshotMessage } from '@tablero/processor/contract';
import { LiveState, type LiveMessage } from '../../dashboard/server/core/live-state.ts';
import { TestBus } from '../../processor/src/testing/bus.ts';
import { eventMaker, type EventMaker } from '../../processor/src/testing/events.ts';
import { freshClickHouse } from '../support/clickhouse.ts';

const log = pino({ level: 'silent' });
const T = Date.UTC(2026, 10, 9, 14, 0, 0) / 1000;
const WALL_MS = (T + 3_600) * 1000;

let ch: Awaited<ReturnType<typeof freshClickHouse>>;
beforeAll(async () => {
  ch = await freshClickHouse();
});
afterAll(async () => {
  await ch?.dispose();
});

/** A published snapshots message with the virtual monotonic time it went out at. */
interface Sent {
  mono: number;
  site: string;
  queues: string[];
}

/** The processor on a virtual clock: timers (`soon`, the periodic tick) run only when time is advanced to them. */
async function virtualProcessor(): Promise<{
  p: Processor;
  bus: TestBus;
  sent: Sent[];
  /** Every live message in the order published (what the bus carries to the dashboard). */
  live: Array<SnapshotMessage | AlertMessage>;
  /** Runs every timer due up to `mono`, in time order, and leaves the clock there. */
  advance(mono: number): void;
  clock: { mono: number };
}> {
  const clock = { mono: 0 };
  const timers: Array<{ at: number; fn: () => void; every?: number }> = [];
  const bus = new TestBus();
  const sent: Sent[] = [];
  const live: Array<SnapshotMessage | AlertMessage> = [];
  const emit = bus.emit.bind(bus);
  bus.emit = (subject, data) => {
    emit(subject, data);
    const m = bus.emitted.at(-1)?.data as { type: string };
    if (!subject.startsWith('kpi.queue.')) return;
    if (m.type === 'snapshots') {
      const s = m as SnapshotMessage;
      sent.push({ mono: clock.mono, site: s.site, queues: s.queues.map((q) => q.queue) });
    }
    live.push(m as SnapshotMessage | AlertMessage);
  };
  const p = await startProcessor(
    {
      bus, ch, log, now: () => WALL_MS, monotonicNow: () => clock.mono,
      soon: (ms, fn) => void timers.push({ at: clock.mono + ms, fn }),
      every: (ms, fn) => {
        timers.push({ at: clock.mono + ms, fn, every: ms });
        return () => undefined;
      },
    },
    { tz: 'UTC' },
  );
  return {
    p, bus, sent, live, clock,
    advance(mono) {
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (!next || next.at > mono) break;
        timers.shift();
        clock.mono = next.at;
        if (next.every !== undefined) timers.push({ ...next, at: next.at + next.every });
        next.fn();
      }
      clock.mono = mono;
    },
  };
}

function deliver(bus: TestBus, make: EventMaker, site: string, id: string, lines: string): Promise<boolean> {
  const b: EventBatch = { batch_id: id, site, events: make.lines(lines) };
  return bus.deliver(`pbx.events.${site}`, b, id);
}

/**
 * Snapshots keyed by site and queue, without `data_ts`: the site's newest event time, which moves
 * for every queue of the site while only the changed queues are sent again (the others carry it
 * with the next heartbeat, as they did with per-queue pacing).
 */
const byKey = (snaps: Iterable<QueueSnapshot>): Record<string, Omit<QueueSnapshot, 'data_ts'>> =>
  Object.fromEntries([...snaps].map(({ data_ts: _, ...s }) => [`${s.site}/${s.queue}`, s]));

describe('live pacing per site', () => {
  it('a burst: at most 10 messages a second per site, only changed queues, every change at the client within 100 ms; idle: only heartbeats', async () => {
    const v = await virtualProcessor();
    const lpz = eventMaker({ site: 'lpz', fingerprint: 'lpz' });
    const cbba = eventMaker({ site: 'cbba', fingerprint: 'cbba' });
    // cbba: one caller at the start, then nothing (an idle site).
    v.advance(5);
    expect(await deliver(v.bus, cbba, 'cbba', 'cbba:0', `${T}|k1|c1|NONE|ENTERQUEUE||555|1`)).toBe(true);

    // lpz: from 5 ms to 2,995 ms, every 10 ms a new caller on one of 20 queues (queue i at 5 + 10 i ms, ...).
    const server = new LiveState();
    let client: LiveState | null = null;
    let consumed = 0;
    const consume = (): void => {
      for (const m of v.live.slice(consumed)) {
        server.apply(m as unknown as LiveMessage);
        client?.apply(m as unknown as LiveMessage);
      }
      consumed = v.live.length;
    };
    const picture = (s: LiveState): QueueSnapshot[] => s.current().flatMap((m) => (m.type === 'snapshots' ? m.queues : []));
    const lagging: string[] = [];
    for (let i = 0; i < 300; i++) {
      const at = 5 + 10 * i;
      v.advance(at);
      const q = `q${String(i % 20).padStart(2, '0')}`;
      expect(await deliver(v.bus, lpz, 'lpz', `lpz:${i}`, `${T + Math.floor(i / 100)}|c${i}|${q}|NONE|ENTERQUEUE||${7_000_000 + i}|1`)).toBe(true);
      // The site's messages go out at 105, 205, ... ms (100 ms after its first one). Right after
      // each, every change before it (the oldest 90 ms before) is in the connected client's
      // picture and in the one a new client gets: both equal the processor's whole state.
      if (at % 100 === 95) {
        v.advance(at + 10);
        consume();
        const truth = JSON.stringify(byKey(v.p.latest()));
        if (JSON.stringify(byKey(picture(server))) !== truth) lagging.push(`greeting at ${at + 10}`);
        if (client && JSON.stringify(byKey(picture(client))) !== truth) lagging.push(`client at ${at + 10}`);
        if (at === 995) {
          // A client connects: the server's greeting, then the messages that follow.
          client = new LiveState();
          for (const m of server.current()) client.apply(m as unknown as LiveMessage);
        }
      }
    }
    expect(lagging).toEqual([]);
    expect(picture(client as unknown as LiveState).find((q) => q.site === 'lpz' && q.queue === 'q07')?.waiting_now).toBe(15);

    // Quiet until 11 s: heartbeats only.
    v.advance(11_000);
    consume();
    const lpzSent = v.sent.filter((s) => s.site === 'lpz');
    const cbbaSent = v.sent.filter((s) => s.site === 'cbba');

    // lpz: the first change at once (5 ms, every queue known then: the site's first message is a
    // heartbeat), then one message per 100 ms while the burst lasts, each with the queues changed
    // in the 100 ms before it, then the heartbeat with all 20 queues: on the first periodic tick
    // (every 250 ms from 0) at least 5 s after the site's last heartbeat.
    const allQueues = Array.from({ length: 20 }, (_, i) => `q${String(i).padStart(2, '0')}`);
    // The calls of [ms - 100, ms) (the one at ms - 100 came right after the previous message; the
    // first one, at 5 ms, went out with the first message).
    const changedBefore = (ms: number): string[] =>
      [...new Set(Array.from({ length: 299 }, (_, i) => i + 1).filter((i) => 5 + 10 * i >= ms - 100 && 5 + 10 * i < ms).map((i) => allQueues[i % 20] as string))].sort();
    expect(lpzSent[0]).toEqual({ mono: 5, site: 'lpz', queues: ['q00'] });
    const burst = lpzSent.slice(1, 31);
    expect(burst.map((s) => s.mono)).toEqual(Array.from({ length: 30 }, (_, i) => 105 + 100 * i));
    for (const s of burst) expect(s.queues, `at ${s.mono}`).toEqual(changedBefore(s.mono));
    expect(burst[0]?.queues).toEqual(['q01', 'q02', 'q03', 'q04', 'q05', 'q06', 'q07', 'q08', 'q09']);
    expect(burst[5]?.queues).toEqual(['q10', 'q11', 'q12', 'q13', 'q14', 'q15', 'q16', 'q17', 'q18', 'q19']);
    expect(lpzSent.slice(31)).toEqual([
      { mono: 5_250, site: 'lpz', queues: allQueues },
      { mono: 10_250, site: 'lpz', queues: allQueues },
    ]);
    // No site gets more than 10 snapshot messages in any second.
    for (const list of [lpzSent, cbbaSent]) {
      for (let i = 10; i < list.length; i++) expect((list[i] as Sent).mono - (list[i - 10] as Sent).mono).toBeGreaterThanOrEqual(1_000);
    }
    // cbba: its one change at once, then only its heartbeats.
    expect(cbbaSent).toEqual([
      { mono: 5, site: 'cbba', queues: ['c1'] },
      { mono: 5_250, site: 'cbba', queues: ['c1'] },
      { mono: 10_250, site: 'cbba', queues: ['c1'] },
    ]);
    // After all that the client holds every queue of both sites as the processor does (data_ts too, after the heartbeats).
    expect(picture(client as unknown as LiveState)).toEqual(v.p.latest());
    expect(v.p.latest()).toHaveLength(21);
    await v.p.stop();
  });
});
