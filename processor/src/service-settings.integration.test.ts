// Settings edited while the processor runs (the dashboard stores a new version): the processor
// picks them up without a restart and rebuilds today's live figures under the new definition.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBatch } from '@tablero/ingest/contract';
import type { SnapshotMessage } from './contract.ts';
import { startProcessor } from './service.ts';
import { saveSettingsVersion } from './store/settings-store.ts';
import { TestBus } from './testing/bus.ts';
import { freshClickHouse } from './testing/clickhouse.ts';
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

describe('settings reload', () => {
  it('applies a new threshold to the live figures without a restart', async () => {
    const clock = { mono: 0, wall: (T + 600) * 1000 };
    let tick: () => void = () => undefined;
    const bus = new TestBus();
    const p = await startProcessor(
      { bus, ch, log, now: () => clock.wall, monotonicNow: () => clock.mono, every: (_ms, fn) => ((tick = fn), () => undefined) },
      { tz: 'UTC', settingsReloadMs: 1_000 },
    );
    const make = eventMaker({ fingerprint: 'fpS' });
    const lines = `${T}|c1|101|NONE|ENTERQUEUE||555|1
${T + 25}|c1|101|Ann|CONNECT|25|c1.1|1
${T + 85}|c1|101|Ann|COMPLETECALLER|25|60|1`;
    const batch: EventBatch = { batch_id: 'fpS:0', site: 'default', events: make.lines(lines) };
    expect(await bus.deliver('pbx.events.default', batch, batch.batch_id)).toBe(true);

    const today = (): { T: number; within: number; sl: number | null } => {
      const q = p.latest().find((s) => s.queue === '101');
      return { T: q?.definition.threshold_s ?? -1, within: q?.windows.today.answered_within ?? -1, sl: q?.windows.today.sl_pct ?? -1 };
    };
    // Waited 25 s: not within the default T = 20.
    expect(today()).toEqual({ T: 20, within: 0, sl: 0 });

    // A version valid from now judges the calls that enter from now on: the 25 s wait, which
    // entered before, keeps T = 20 (kpi-definitions §12); the statement is the new definition.
    await saveSettingsVersion(ch, { site: 'default', queue: '101', patch: { threshold_s: 30 }, validFromMs: clock.wall - 1, createdBy: 'admin', nowMs: clock.wall });
    expect(await p.reloadSettings()).toBe(true);
    expect(today()).toEqual({ T: 30, within: 0, sl: 0 });
    // Valid from the start of the day: today's calls are judged by it.
    await saveSettingsVersion(ch, { site: 'default', queue: '101', patch: { threshold_s: 30 }, validFromMs: (T - 3600) * 1000, createdBy: 'admin', nowMs: clock.wall });
    expect(await p.reloadSettings()).toBe(true);
    expect(today()).toEqual({ T: 30, within: 1, sl: 100 });
    // Nothing new stored: a second reload changes nothing.
    expect(await p.reloadSettings()).toBe(false);

    // The ticker reloads by itself once settingsReloadMs have passed, and publishes the queue.
    await saveSettingsVersion(ch, { site: 'default', queue: '101', patch: { threshold_s: 10 }, validFromMs: (T - 3600) * 1000, createdBy: 'admin', nowMs: clock.wall });
    const before = bus.emitted.length;
    clock.mono = 1_500;
    tick();
    await p.reloadSettings(); // waits its turn behind the reload the tick started
    expect(today()).toEqual({ T: 10, within: 0, sl: 0 });
    clock.mono = 1_800;
    tick();
    const published = bus.emitted.slice(before).map((e) => e.data as SnapshotMessage).filter((m) => m.type === 'snapshots');
    expect(published.at(-1)?.queues.map((q) => [q.queue, q.definition.threshold_s])).toEqual([['101', 10]]);
    await p.stop();
  });
});
