// KPI rows from stored stints must equal the pure math (addStint + figures) on the same stints,
// for every formula, strict/inclusive, short abandons, calendars, groupings and time zones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '@tablero/sql';
import { OUTCOMES, SL_FORMULAS, type KpiRow } from '../contract.ts';
import { createCalendar, periodKey, type PeriodBy, type SiteCalendarSpec } from '../core/calendar.ts';
import { addStint, emptySums, figures, type KpiSums } from '../core/kpi-math.ts';
import { defaultProcessorSettings, queueSettings, type ProcessorSettings } from '../core/settings.ts';
import type { StintOutcome, StintRow } from '../core/stint-machine.ts';
import { freshClickHouse } from '../testing/clickhouse.ts';
import { queryKpis } from './kpi-query.ts';
import { createStore } from './store.ts';

let ch: ClickHouse & { dispose(): Promise<void> };
const START = Date.UTC(2026, 9, 30, 0, 0, 0) / 1000; // spans the New York fall-back (Nov 1) and a month change
const STINTS: StintRow[] = [];

beforeAll(async () => {
  ch = await freshClickHouse();
  let seed = 42;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const outcomes: StintOutcome[] = [...OUTCOMES, 'cut_by_restart'];
  for (let i = 0; i < 800; i++) {
    const outcome = outcomes[rnd(outcomes.length)] as StintOutcome;
    const enter = START + rnd(6 * 86400);
    const wait = outcome === 'refused' ? 0 : rnd(10) === 0 ? null : rnd(60);
    STINTS.push({
      stint_id: `s${i}`, site: 'default', queue: ['q1', 'q2', 'Q1'][rnd(3)] as string, callid: `c${i}`, enter_ts: enter, end_ts: enter + 100,
      outcome, wait_s: wait, talk_s: outcome === 'answered' && rnd(5) > 0 ? rnd(300) : null, agent: '', caller: '', transferred: false,
      enter_seen: wait !== null, end_event_id: `e${i}`,
    });
  }
  STINTS.push({ ...(STINTS[0] as StintRow), stint_id: 'other-site', site: 'other' });
  const store = createStore(ch);
  await store.insertStints(STINTS, 0, 't1');
  // The same rows again under another token (as after a lost dedup window): FINAL keeps one.
  await store.insertStints(STINTS.slice(0, 100), 0, 't2');
});
afterAll(async () => {
  await ch?.dispose();
});

function reference(o: { from: number; to: number; by: PeriodBy; tz: string; settings: ProcessorSettings; calendar?: SiteCalendarSpec; override?: Partial<{ threshold_s: number; strict: boolean; short_abandon_s: number; formula: (typeof SL_FORMULAS)[number] }> }): KpiRow[] {
  const cal = createCalendar(o.calendar ?? { tz: o.tz });
  const groups = new Map<string, { queue: string; period: string; sums: KpiSums }>();
  for (const s of STINTS) {
    if (s.site !== 'default' || s.enter_ts < o.from || s.enter_ts >= o.to) continue;
    const period = periodKey(s.enter_ts, o.by, o.tz);
    const k = `${s.queue}\0${period}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { queue: s.queue, period, sums: emptySums() }));
    addStint(g.sums, s, { ...queueSettings(o.settings, 'default', s.queue), ...o.override }, { outOfHours: !cal.isInHours(s.enter_ts) });
  }
  return [...groups.values()]
    .sort((a, b) => (a.queue < b.queue ? -1 : a.queue > b.queue ? 1 : a.period < b.period ? -1 : a.period > b.period ? 1 : 0))
    .map((g) => {
      const def = { ...queueSettings(o.settings, 'default', g.queue), ...o.override };
      return { queue: g.queue, period: g.period, ...figures(g.sums, def), definition: { formula: def.formula, threshold_s: def.threshold_s, strict: def.strict, short_abandon_s: def.short_abandon_s, tz: o.tz } };
    });
}

describe('queryKpis equals the pure math on the same stints', () => {
  const settings = defaultProcessorSettings();
  it.each<[PeriodBy, string]>([
    ['month', 'UTC'],
    ['day', 'America/La_Paz'],
    ['hour', 'America/New_York'],
    ['interval', 'Asia/Kathmandu'],
  ])('by %s in %s with the default definition', async (by, tz) => {
    const rows = await queryKpis(ch, { from: '2026-10-30', to: '2026-11-05', by, tz });
    const { parseBound } = await import('./kpi-query.ts');
    expect(rows).toEqual(reference({ from: parseBound('2026-10-30', tz), to: parseBound('2026-11-05', tz), by, tz, settings }));
    expect(rows.length).toBeGreaterThanOrEqual(by === 'month' ? 6 : 18);
  });

  it.each(SL_FORMULAS.flatMap((formula) => [false, true].map((strict) => [formula, strict] as const)))(
    'formula %s, strict %s, T 30, short abandon 7',
    async (formula, strict) => {
      const override = { formula, strict, threshold_s: 30, short_abandon_s: 7 };
      const rows = await queryKpis(ch, { from: '2026-10-30T00:00', to: '2026-11-05T00:00', by: 'day', tz: 'UTC', ...override });
      expect(rows).toEqual(reference({ from: START, to: START + 6 * 86400, by: 'day', tz: 'UTC', settings, override }));
    },
  );

  it('per-queue settings, a queue filter and a site calendar with holidays', async () => {
    const s = defaultProcessorSettings();
    s.defaultSite.queues['q2'] = { formula: 'answered', threshold_s: 30, count_refused: true };
    s.defaultSite.queues['q9'] = { threshold_s: 5 };
    const calendar: SiteCalendarSpec = {
      tz: 'America/La_Paz',
      weekly: [0, 1, 2, 3, 4, 5, 6].map((d) => (d < 5 ? [{ from: '08:00', to: '12:15' }, { from: '13:45', to: '16:00' }] : [])),
      holidays: ['2026-11-02'],
    };
    const q = { from: '2026-10-30', to: '2026-11-05', by: 'day' as const, tz: 'America/La_Paz', settings: s, calendar };
    const { parseBound } = await import('./kpi-query.ts');
    const ref = reference({ from: parseBound(q.from, q.tz), to: parseBound(q.to, q.tz), by: 'day', tz: q.tz, settings: s, calendar });
    expect(await queryKpis(ch, q)).toEqual(ref);
    expect(ref.some((r) => r.out_of_hours > 0 && r.offered > 0)).toBe(true);
    expect(await queryKpis(ch, { ...q, queues: ['q2', 'Q1'] })).toEqual(ref.filter((r) => r.queue === 'q2' || r.queue === 'Q1'));
    expect((await queryKpis(ch, { ...q, queues: ['q2'] }))[0]?.definition).toEqual({ formula: 'answered', threshold_s: 30, strict: false, short_abandon_s: 0, tz: 'America/La_Paz' });
  });

  it('an empty range gives no rows; a reversed range is an error', async () => {
    expect(await queryKpis(ch, { from: '2020-01-01', to: '2020-02-01', by: 'month', tz: 'UTC' })).toEqual([]);
    await expect(queryKpis(ch, { from: '2020-02-01', to: '2020-01-01', tz: 'UTC' })).rejects.toThrow(/before/);
  });
});
