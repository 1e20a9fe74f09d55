// The funnel rollup against its oracle, the scan (docs/kpi-definitions.md §13 "How the rollup
// stays exact"): for every read below, queryFunnel with the rollup returns exactly the rows of
// queryFunnel with `rollup: false` (the scan alone), and the read did take rolled buckets where
// the test says so (onPlan), so agreement is not the scan agreeing with itself. Data: the
// hand-worked leg sets of the three Asterisk eras (stored by the real processor, with late legs
// held back and delivered after their buckets were rolled), the real CDR samples, and a generated
// November (4 services, waits 0-49 s, transfers) with a change of T mid-month and a change of the
// funnel settings.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { CdrBatch, CdrRecord } from '@tablero/ingest/contract';
import { parseCdrLine } from '@tablero/ingest';
import { REAL_CDR_FIXTURES, realFixture } from '@tablero/ingest/real-fixtures';
import type { ClickHouse } from '@tablero/sql';
import type { KpiGrouping } from '../contract.ts';
import { parseFunnelConfig, type FunnelConfig, type FunnelSettings } from '../core/funnel.ts';
import { DEFAULT_QUEUE_SETTINGS } from '../core/settings.ts';
import { startProcessor } from '../service.ts';
import { saveSettingsVersion } from '../store/settings-store.ts';
import { queryFunnel, type FunnelReadOptions, type FunnelReadPlan } from '../store/funnel-query.ts';
import { TestBus } from '../testing/bus.ts';
import { funnelLegSets } from '../testing/cdr-legs.ts';
import { freshClickHouse } from '../testing/clickhouse.ts';
import { generateFunnelTraffic, GENERATED_FUNNEL, GENERATED_FUNNEL_CHANGED } from '../testing/funnel-month.ts';
import { HAND_WORKED_READ, storeLegSets } from '../testing/funnel-store.ts';
import { rollFunnelAll } from './funnel-roll.ts';

const NOW_MS = Date.now(); // December 2026 or later: every November quarter is rollable
const TZS = ['UTC', 'America/Bogota', 'Asia/Kathmandu'] as const; // -05:00, +05:45

let ch: ClickHouse & { dispose(): Promise<void> };
beforeAll(async () => {
  ch = await freshClickHouse();
});
afterAll(async () => {
  await ch?.dispose();
});

interface Read {
  from: string;
  to: string;
  by: KpiGrouping;
  /** Zones to read it in (default UTC only: the machine is shared, every read is two queries). */
  tzs?: readonly string[];
}

/** Every read agrees with the scan; returns the rolled buckets the reads took, summed. */
async function agree(site: string, read: FunnelReadOptions, reads: readonly Read[], services: ReadonlyArray<string[] | undefined> = [undefined]): Promise<number> {
  let rolled = 0;
  for (const { tzs, ...r } of reads) {
    for (const tz of tzs ?? ['UTC']) {
      for (const svc of services) {
        const q = { ...r, site, tz, ...(svc ? { services: svc } : {}) };
        let plan: FunnelReadPlan | undefined;
        const fromRollup = await queryFunnel(ch, q, { ...read, onPlan: (p) => (plan = p) });
        const scan = await queryFunnel(ch, q, { ...read, rollup: false });
        expect({ q, rows: fromRollup }).toEqual({ q, rows: scan });
        rolled += plan?.rolled ?? 0;
      }
    }
  }
  return rolled;
}

const rollAll = async (site: string, settings: FunnelSettings | undefined): Promise<number> => (await rollFunnelAll(ch, { site, settings: settings as FunnelSettings, nowMs: NOW_MS })).quarters;

describe('funnel rollup = scan: hand-worked leg sets', () => {
  const T = Date.UTC(2026, 10, 9, 14, 0, 0) / 1000;
  const sets = funnelLegSets(T);
  const read: FunnelReadOptions = { defaultTz: 'UTC', ...HAND_WORKED_READ };
  const reads: Read[] = [
    { from: '2026-11-01', to: '2026-12-01', by: 'month' },
    { from: '2026-11-08', to: '2026-11-11', by: 'day', tzs: TZS },
    { from: '2026-11-09', to: '2026-11-10', by: 'hour', tzs: ['Asia/Kathmandu'] },
    { from: '2026-11-09', to: '2026-11-10', by: 'interval' },
  ];

  it('rolled, then late legs of old calls arrive (dirty: scanned), then rolled again', { timeout: 600_000 }, async () => {
    // Every third leg held back, then delivered from a copy of the file after the roll, by a processor at December's clock.
    await storeLegSets(ch, sets, T + 3600, { leg: (i) => i % 3 !== 1 });
    for (const site of ['a18', 'a13', 'a20']) expect(await rollAll(site, read.funnel[site])).toBeGreaterThan(0);
    for (const site of ['a18', 'a13', 'a20']) expect(await agree(site, read, reads, [undefined])).toBeGreaterThan(0);
    await storeLegSets(ch, sets, NOW_MS / 1000, { leg: (i) => i % 3 === 1, line: () => false, copy: '-late' });
    // The late legs' buckets are dirty: the reads scan them and agree.
    for (const site of ['a18', 'a13', 'a20']) await agree(site, read, reads, [undefined]);
    let dirty: FunnelReadPlan | undefined;
    await queryFunnel(ch, { from: '2026-11-09', to: '2026-11-10', site: 'a20', tz: 'UTC' }, { ...read, onPlan: (p) => (dirty = p) });
    expect(dirty?.scanned.length).toBeGreaterThan(0); // the quarters of the late legs' calls, ±6 h
    for (const site of ['a18', 'a13', 'a20']) await rollAll(site, read.funnel[site]);
    for (const site of ['a18', 'a13', 'a20']) expect(await agree(site, read, reads, [undefined, ['101']])).toBeGreaterThan(0);
    // And the hand-worked figures themselves (funnel-query.integration.test.ts), now from the rollup.
    let plan: FunnelReadPlan | undefined;
    const rows = await queryFunnel(ch, { from: '2026-11-09', to: '2026-11-10', site: 'a20', tz: 'UTC' }, { ...read, onPlan: (p) => (plan = p) });
    expect(plan?.rolled).toBe(96);
    expect(rows.map((r) => [r.service, r.ingresadas, r.ivr_only, r.asked_agent, r.lost_before_queue, r.refused, r.offered, r.answered, r.answered_within, r.abandoned, r.other_exit])).toEqual([
      ['101', 4, 1, 3, 1, 0, 2, 1, 1, 1, 0],
      ['102', 3, 0, 3, 0, 1, 2, 2, 2, 0, 0],
    ]);
  });
});

describe('funnel rollup = scan: the real CDR samples', () => {
  it('rolls the samples (2015-2025) and reads them as the scan does', { timeout: 600_000 }, async () => {
    const bus = new TestBus();
    const p = await startProcessor({ bus, ch, log: pino({ level: 'silent' }), now: () => NOW_MS }, { tz: 'UTC' });
    try {
      for (const [name, n] of REAL_CDR_FIXTURES) {
        const lines = readFileSync(realFixture(name), 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
        const records: CdrRecord[] = [];
        let offset = 0;
        for (const line of lines) {
          const r = parseCdrLine(line, { site: 'real', source: name, fingerprint: `real:${name}`, offset, lineNo: 0 }, { timeZone: 'UTC' });
          offset += Buffer.byteLength(line) + 1;
          if (r.ok) records.push(r.value);
        }
        expect([name, records.length]).toEqual([name, n]);
        const batch: CdrBatch = { batch_id: `real:${name}`, site: 'real', records };
        expect(await bus.deliver('pbx.cdr.real', batch, batch.batch_id)).toBe(true);
      }
    } finally {
      await p.stop();
    }
    // The services of test/e2e/cdr-import.test.ts (36 + 33 + 25 + 17 inbound calls, all IVR only).
    const funnel = parseFunnelConfig({
      real: { services: [{ service: 'stadion', contexts: ['stadion-pstn'] }, { service: 'ivrmenu', contexts: ['ivrmenu'] }, { service: 'menu', contexts: ['menu'] }, { service: 'public', contexts: ['public'] }] },
    });
    if (!funnel.ok) throw new Error(funnel.errors.join());
    const read: FunnelReadOptions = { defaultTz: 'UTC', funnel: funnel.value };
    expect(await rollAll('real', funnel.value.real)).toBeGreaterThan(0);
    const rolled = await agree('real', read, [
      { from: '2024-01-01', to: '2024-02-01', by: 'day' },
      { from: '2025-07-01', to: '2025-08-01', by: 'month' },
      { from: '2015-04-01', to: '2015-05-01', by: 'hour' },
      { from: '2016-09-01', to: '2016-10-01', by: 'day' },
    ], [undefined, ['menu']]);
    expect(rolled).toBeGreaterThan(0);
    const rows = await queryFunnel(ch, { from: '2015-01-01', to: '2026-01-01', site: 'real', by: 'month', tz: 'UTC' }, read);
    expect(rows.filter((r) => r.ingresadas > 0).map((r) => [r.service, r.period, r.ingresadas, r.ivr_only])).toEqual([
      ['stadion', '2024-01', 36, 36],
      ['ivrmenu', '2025-07', 33, 33],
      ['menu', '2015-04', 25, 25],
      ['public', '2016-09', 17, 17],
    ]);
  });
});

describe('funnel rollup = scan: a generated November', () => {
  const site = 'gen';
  const funnel: FunnelConfig = { gen: GENERATED_FUNNEL };
  const base = { defaults: { ...DEFAULT_QUEUE_SETTINGS }, queues: { q101: { threshold_s: 30 } } };
  const read: FunnelReadOptions = { defaultTz: 'UTC', funnel, baseSettings: { sites: {}, defaultSite: base } };
  const reads: Read[] = [
    { from: '2026-11-01', to: '2026-12-01', by: 'month' },
    { from: '2026-11-01', to: '2026-12-01', by: 'day', tzs: TZS },
    { from: '2026-11-14', to: '2026-11-16', by: 'hour', tzs: ['UTC', 'Asia/Kathmandu'] },
    { from: '2026-11-15', to: '2026-11-16', by: 'interval' },
    // Ranges that cut quarter hours: their partial buckets are scanned.
    { from: '2026-11-03T10:07', to: '2026-11-05T17:52', by: 'day' },
  ];

  it('every period, service filter and zone; a sweep of T; a change of T mid-month; a change of the funnel settings', { timeout: 900_000 }, async () => {
    await generateFunnelTraffic(ch, { site, calls: 12_000, fromS: Date.UTC(2026, 10, 1) / 1000, days: 30 });
    // Never rolled: the scan alone.
    let plan: FunnelReadPlan | undefined;
    await queryFunnel(ch, { from: '2026-11-01', to: '2026-12-01', site, by: 'month', tz: 'UTC' }, { ...read, onPlan: (p) => (plan = p) });
    expect(plan).toEqual({ rolled: 0, scanned: [[Date.UTC(2026, 10, 1) / 1000, Date.UTC(2026, 11, 1) / 1000]] });
    // 32 days: the first calls' member legs start on October 31 (30 s before their caller), the last ones' on December 1.
    expect(await rollAll(site, GENERATED_FUNNEL)).toBe(32 * 96);
    // Rolled: the month is read from 2,880 rolled buckets, nothing scanned.
    await queryFunnel(ch, { from: '2026-11-01', to: '2026-12-01', site, by: 'month', tz: 'UTC' }, { ...read, onPlan: (p) => (plan = p) });
    expect(plan).toEqual({ rolled: 2880, scanned: [] });
    expect(await agree(site, read, reads, [undefined, ['100', '103']])).toBeGreaterThan(0);

    // A sweep of T and strictness (the rollup keeps the wait per second: any T is exact).
    for (const threshold_s of [0, 12, 49]) {
      for (const strict of [false, true]) {
        const swept: FunnelReadOptions = { ...read, baseSettings: { sites: {}, defaultSite: { defaults: { ...DEFAULT_QUEUE_SETTINGS, threshold_s, strict }, queues: { q102: { threshold_s: 5 } } } } };
        expect(await agree(site, swept, [{ from: '2026-11-01', to: '2026-12-01', by: 'day' }])).toBe(2880);
      }
    }

    // T of q101 changes on the 15th at 12:00: the buckets within a call span of it are scanned.
    await saveSettingsVersion(ch, { site, queue: 'q101', patch: { threshold_s: 7 }, validFromMs: Date.UTC(2026, 10, 15, 12), createdBy: 'test', nowMs: NOW_MS });
    await queryFunnel(ch, { from: '2026-11-01', to: '2026-12-01', site, by: 'month', tz: 'UTC' }, { ...read, onPlan: (p) => (plan = p) });
    const change = Date.UTC(2026, 10, 15, 12) / 1000;
    expect(plan?.scanned).toEqual([[change - 6 * 3600, change + 6 * 3600]]);
    expect(plan?.rolled).toBe(2880 - 48);
    expect(await agree(site, read, reads.slice(0, 3))).toBeGreaterThan(0);

    // The funnel settings change: every rolled bucket was judged under the old ones, so the reads scan;
    // the job re-judges them, and the reads take the rollup again.
    const changed: FunnelReadOptions = { ...read, funnel: { gen: GENERATED_FUNNEL_CHANGED } };
    await queryFunnel(ch, { from: '2026-11-01', to: '2026-12-01', site, by: 'month', tz: 'UTC' }, { ...changed, onPlan: (p) => (plan = p) });
    expect(plan?.rolled).toBe(0);
    expect(await agree(site, changed, reads.slice(0, 1))).toBe(0);
    expect(await rollAll(site, GENERATED_FUNNEL_CHANGED)).toBe(32 * 96);
    expect(await agree(site, changed, reads.slice(0, 2), [undefined, ['103']])).toBeGreaterThan(0);
  });
});

describe('funnel rollup = scan: a zone whose offset is not a whole quarter hour', () => {
  it('Monrovia in March 1971 (UTC-00:44:30): quarters cut by a local hour or day are scanned, the others rolled', { timeout: 600_000 }, async () => {
    const site = 'mon';
    const funnel: FunnelConfig = { mon: GENERATED_FUNNEL };
    const read: FunnelReadOptions = { defaultTz: 'UTC', funnel };
    await generateFunnelTraffic(ch, { site, calls: 1500, fromS: Date.UTC(1971, 2, 1) / 1000, days: 2 });
    expect(await rollAll(site, GENERATED_FUNNEL)).toBeGreaterThan(0);
    const plans: Record<string, FunnelReadPlan | undefined> = {};
    for (const by of ['day', 'hour'] as const) {
      const q = { from: '1971-03-01', to: '1971-03-03', site, by, tz: 'Africa/Monrovia' };
      const fromRollup = await queryFunnel(ch, q, { ...read, onPlan: (p) => (plans[by] = p) });
      expect({ q, rows: fromRollup }).toEqual({ q, rows: await queryFunnel(ch, q, { ...read, rollup: false }) });
    }
    // By day: the quarter holding local midnight (00:44:30 UTC) and the range's partial edge quarters are scanned.
    expect(plans.day?.rolled).toBeGreaterThan(0);
    expect(plans.day?.scanned.length).toBeGreaterThanOrEqual(3);
    // By hour every hour cuts a quarter: more scanned pieces than a read splits into, so the whole range is scanned.
    expect(plans.hour?.rolled).toBe(0);
  });
});
