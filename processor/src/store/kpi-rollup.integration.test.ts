// Differential tests of the exact rollups (issue 18): KPI rows and the wait distribution read
// with the stint rollup equal the same reads from the stints alone (`rollup: false`), for every
// formula, strict and inclusive, short abandons, include_out_of_hours, calendars whose ranges cut
// quarters (holidays, a DST zone), a threshold sweep 1..120 s, every grouping and several zones,
// on generated stints (some stored after the rollup ran: dirty, scanned) and on the real
// DareDevinX queue_log run through the processor.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBatch } from '@tablero/ingest/contract';
import { realFixture } from '@tablero/ingest/real-fixtures';
import type { ClickHouse } from '@tablero/sql';
import { OUTCOMES, SL_FORMULAS, type KpiQuery } from '../contract.ts';
import type { PeriodBy, SiteCalendarSpec } from '../core/calendar.ts';
import { defaultProcessorSettings } from '../core/settings.ts';
import type { StintOutcome, StintRow } from '../core/stint-machine.ts';
import { DAY_S, readRollupState, rollUpAll } from '../rollup/index.ts';
import { startProcessor } from '../service.ts';
import { TestBus } from '../testing/bus.ts';
import { freshClickHouse } from '../testing/clickhouse.ts';
import { queueLogEvents } from '../testing/queue-log-file.ts';
import { parseBound, queryKpis, queryWaitDistribution, type KpiReadOptions } from './kpi-query.ts';
import { splitPiece } from './kpi-rollup.ts';
import { STINTS_KIND, stintRollup } from './stint-rollup.ts';
import { createStore } from './store.ts';

let ch: ClickHouse & { dispose(): Promise<void> };
const SITE = 'gen';
const START = Date.UTC(2026, 9, 26) / 1000; // spans the New York fall-back (Nov 1) and a month change
const DAYS = 12;

function generated(seed0: number, n: number, idPrefix: string): StintRow[] {
  let seed = seed0;
  const rnd = (k: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % k;
  };
  const outcomes: StintOutcome[] = [...OUTCOMES, 'cut_by_restart'];
  const out: StintRow[] = [];
  for (let i = 0; i < n; i++) {
    const outcome = rnd(3) === 0 ? (outcomes[rnd(outcomes.length)] as StintOutcome) : rnd(3) === 0 ? 'abandoned' : 'answered';
    const enter = START + rnd(DAYS * DAY_S);
    const wait = outcome === 'refused' ? 0 : rnd(12) === 0 ? null : rnd(4) === 0 ? rnd(15) : rnd(200);
    out.push({
      stint_id: `${idPrefix}${i}`, site: SITE, queue: ['q1', 'q2', 'Q3'][rnd(3)] as string, callid: `c${idPrefix}${i}`, enter_ts: enter, end_ts: enter + 100,
      outcome, wait_s: wait, talk_s: outcome === 'answered' && rnd(6) > 0 ? rnd(600) : null, agent: `a${rnd(4)}`, caller: '', transferred: false,
      enter_seen: wait !== null, end_event_id: `e${idPrefix}${i}`,
    });
  }
  return out;
}

beforeAll(async () => {
  ch = await freshClickHouse();
  const store = createStore(ch);
  const first = generated(7, 4000, 's');
  await store.insertStints(first, 1, 'g1');
  await rollUpAll(ch, stintRollup, { settleMs: 0 });
  // After the rollup ran: new stints in some quarters and a changed version of some old ones
  // (another wait, another outcome). Their quarters and days are dirty: read from the stints.
  const recent = START + (DAYS - 3) * DAY_S;
  const later = generated(99, 60, 'late').map((s) => ({ ...s, enter_ts: recent + ((s.enter_ts - START) % (3 * DAY_S)) }));
  const changed = first.filter((s) => s.enter_ts >= recent).slice(0, 40).map((s, i) => ({ ...s, wait_s: i % 2 ? (s.wait_s ?? 0) + 7 : null, outcome: i % 3 ? s.outcome : ('abandoned' as const) }));
  await store.insertStints([...later, ...changed], 2, 'g2');
}, 120_000);
afterAll(async () => {
  await ch?.dispose();
});

const o = (x: Partial<KpiReadOptions> = {}): KpiReadOptions => ({ defaultTz: 'UTC', defaultSite: SITE, ...x });
async function same(q: KpiQuery, opts: KpiReadOptions = o()): Promise<number> {
  const rolled = await queryKpis(ch, q, opts);
  const scanned = await queryKpis(ch, q, { ...opts, rollup: false });
  expect(rolled).toEqual(scanned);
  return rolled.length;
}

/** A calendar whose ranges cut quarters (08:10, 17:50), in a DST zone, with a holiday. */
const CUTTING: SiteCalendarSpec = {
  tz: 'America/New_York',
  weekly: [0, 1, 2, 3, 4, 5, 6].map((d) => (d < 5 ? [{ from: '08:10', to: '12:00' }, { from: '13:00', to: '17:50' }] : d === 5 ? [{ from: '09:00', to: '13:00' }] : [])),
  holidays: ['2026-11-03'],
};
const Q = { from: '2026-10-26', to: '2026-11-07' };

describe('rollup-based rows equal stint-scan rows (generated stints)', () => {
  it('reads most of the range from the rollup, and dirty or cut buckets from the stints', async () => {
    const state = await readRollupState(ch, STINTS_KIND, SITE, START, START + DAYS * DAY_S);
    const from = parseBound(Q.from, 'America/Bogota');
    const to = parseBound(Q.to, 'America/Bogota');
    const month = splitPiece(state, from, to, 'America/Bogota', 'month', { tz: 'America/Bogota' });
    expect(month.days.from.length).toBeGreaterThan(0);
    expect(month.quarters.from.length).toBeGreaterThan(0);
    expect(month.scan.from.length).toBeGreaterThan(0);
    const cal = splitPiece(state, from, to, 'America/Bogota', 'day', CUTTING);
    expect(cal.days.from).toEqual([]);
    expect(cal.quarters.from.length).toBeGreaterThan(20);
  });

  it.each<[PeriodBy, string]>([
    ['month', 'UTC'], ['month', 'America/Bogota'], ['month', 'America/New_York'],
    ['day', 'UTC'], ['day', 'America/Bogota'], ['day', 'Asia/Kathmandu'],
    ['hour', 'America/New_York'], ['hour', 'Asia/Kathmandu'],
    ['interval', 'America/New_York'], ['interval', 'Asia/Kathmandu'],
  ])('by %s in %s', async (by, tz) => {
    expect(await same({ ...Q, by, tz })).toBeGreaterThan(0);
  });

  it.each(SL_FORMULAS.flatMap((formula) => [false, true].flatMap((strict) => [0, 5, 30].map((short) => [formula, strict, short] as const))))(
    'formula %s, strict %s, short abandon %i s', async (formula, strict, short_abandon_s) => {
      expect(await same({ ...Q, by: 'day', tz: 'America/Bogota', formula, strict, short_abandon_s })).toBeGreaterThan(0);
    },
  );

  it('threshold sweep 1..120 s, inclusive and strict, by month', async () => {
    for (let t = 1; t <= 120; t++) await same({ ...Q, by: 'month', tz: 'America/Bogota', threshold_s: t, strict: t % 2 === 0 });
  }, 120_000);

  it.each<[boolean, PeriodBy, string]>([
    [false, 'day', 'America/Bogota'], [true, 'day', 'America/Bogota'], [false, 'hour', 'UTC'], [true, 'month', 'America/New_York'], [false, 'interval', 'America/New_York'],
  ])('calendar cutting quarters, holiday, DST zone; include_out_of_hours %s, by %s in %s', async (include, by, tz) => {
    const s = defaultProcessorSettings();
    s.defaultSite.defaults.include_out_of_hours = include;
    s.defaultSite.queues['q2'] = { formula: 'answered', threshold_s: 45, count_refused: true, short_abandon_s: 10 };
    const opts = o({ baseSettings: s, baseCalendars: { [SITE]: CUTTING } });
    const rows = await queryKpis(ch, { ...Q, by, tz }, opts);
    expect(rows.some((r) => r.out_of_hours > 0)).toBe(true);
    await same({ ...Q, by, tz }, opts);
  });

  it('the wait distribution', async () => {
    for (const tz of ['UTC', 'America/Bogota']) {
      const q = { ...Q, tz, short_abandon_s: 5 };
      expect(await queryWaitDistribution(ch, q, o())).toEqual(await queryWaitDistribution(ch, q, o({ rollup: false })));
    }
    const cal = o({ baseCalendars: { [SITE]: CUTTING } });
    expect(await queryWaitDistribution(ch, Q, cal)).toEqual(await queryWaitDistribution(ch, Q, { ...cal, rollup: false }));
  });
});

describe('rollup-based rows equal stint-scan rows (real DareDevinX queue_log through the processor)', () => {
  const FIXTURE = realFixture('DareDevinX__AsteriskReport__Testdaten.txt');
  beforeAll(async () => {
    const events = queueLogEvents(FIXTURE, 'default', 'daredevinx');
    const bus = new TestBus();
    const p = await startProcessor({ bus, ch, log: pino({ level: 'silent' }), now: () => ((events.at(-1)?.ts ?? 0) + 60) * 1000 }, { tz: 'UTC', rollupIntervalMs: 0 });
    for (let i = 0; i < events.length; i += 50) {
      const part = events.slice(i, i + 50);
      const batch: EventBatch = { batch_id: `daredevinx:${part[0]?.offset}-${part.at(-1)?.offset}`, site: 'default', events: part };
      await bus.deliver('pbx.events.default', batch, batch.batch_id);
    }
    await p.stop();
    expect((await rollUpAll(ch, stintRollup, { settleMs: 0 })).quarters).toBeGreaterThan(0);
  });

  it('every formula, strict, short abandon and thresholds 1..120 s, by day and 15 minutes', async () => {
    const q = { from: '2010-02-22', to: '2010-02-23', site: 'default', tz: 'UTC', queues: ['9000'] };
    const opts = o({ defaultSite: 'default' });
    const rows = await queryKpis(ch, { ...q, by: 'day' }, opts);
    expect(rows.map((r) => [r.offered, r.answered, r.abandoned])).toEqual([[19, 7, 12]]);
    for (let t = 1; t <= 120; t++) {
      const formula = SL_FORMULAS[t % SL_FORMULAS.length];
      await same({ ...q, by: t % 2 ? 'day' : 'interval', threshold_s: t, strict: t % 3 === 0, short_abandon_s: t % 7, formula }, opts);
    }
  }, 120_000);
});
