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
import { parseBound, queryKpis } from './kpi-query.ts';
import { saveCalendarVersion, saveSettingsVersion } from './settings-store.ts';
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

type Figures = Omit<KpiRow, 'definition'>;
const figuresOnly = (rows: KpiRow[]): Figures[] => rows.map(({ definition: _d, ...r }) => r);

/** The rows the pure math gives; `settingsAt` / `calendarAt` say what judged a stint entering at t. */
function reference(o: {
  from: number; to: number; by: PeriodBy; tz: string; settings: ProcessorSettings; calendar?: SiteCalendarSpec;
  override?: Partial<{ threshold_s: number; strict: boolean; short_abandon_s: number; formula: (typeof SL_FORMULAS)[number] }>;
  settingsAt?: (t: number) => ProcessorSettings; calendarAt?: (t: number) => SiteCalendarSpec | undefined;
}): Figures[] {
  const groups = new Map<string, { queue: string; period: string; sums: KpiSums }>();
  for (const s of STINTS) {
    if (s.site !== 'default' || s.enter_ts < o.from || s.enter_ts >= o.to) continue;
    const period = periodKey(s.enter_ts, o.by, o.tz);
    const k = `${s.queue}\0${period}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { queue: s.queue, period, sums: emptySums() }));
    const cal = createCalendar((o.calendarAt ? o.calendarAt(s.enter_ts) : o.calendar) ?? { tz: o.tz });
    const settings = o.settingsAt ? o.settingsAt(s.enter_ts) : o.settings;
    addStint(g.sums, s, { ...queueSettings(settings, 'any', s.queue), ...o.override }, { outOfHours: !cal.isInHours(s.enter_ts) });
  }
  return [...groups.values()]
    .sort((a, b) => (a.queue < b.queue ? -1 : a.queue > b.queue ? 1 : a.period < b.period ? -1 : a.period > b.period ? 1 : 0))
    .map((g) => ({ queue: g.queue, period: g.period, ...figures(g.sums) }));
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
    expect(figuresOnly(rows)).toEqual(reference({ from: parseBound('2026-10-30', tz), to: parseBound('2026-11-05', tz), by, tz, settings }));
    expect(rows.length).toBeGreaterThanOrEqual(by === 'month' ? 6 : 18);
  });

  it.each(SL_FORMULAS.flatMap((formula) => [false, true].map((strict) => [formula, strict] as const)))(
    'formula %s, strict %s, T 30, short abandon 7',
    async (formula, strict) => {
      const override = { formula, strict, threshold_s: 30, short_abandon_s: 7 };
      const rows = await queryKpis(ch, { from: '2026-10-30T00:00', to: '2026-11-05T00:00', by: 'day', tz: 'UTC', ...override });
      expect(figuresOnly(rows)).toEqual(reference({ from: START, to: START + 6 * 86400, by: 'day', tz: 'UTC', settings, override }));
      // The row says which fields the request set instead of the stored definition.
      expect(rows[0]?.definition).toMatchObject({ ...override, overrides: ['formula', 'threshold_s', 'strict', 'short_abandon_s'], settings_version: 0, calendar_version: 0 });
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
    // Configured (not stored) settings and calendar: the reader's base.
    const o = { defaultTz: 'UTC', baseSettings: s, baseCalendars: { default: calendar } };
    const q = { from: '2026-10-30', to: '2026-11-05', by: 'day' as const };
    const ref = reference({ from: parseBound(q.from, calendar.tz), to: parseBound(q.to, calendar.tz), by: 'day', tz: calendar.tz, settings: s, calendar });
    // No tz asked: the periods are in the site calendar's zone.
    expect(figuresOnly(await queryKpis(ch, q, o))).toEqual(ref);
    expect(ref.some((r) => r.out_of_hours > 0 && r.offered > 0)).toBe(true);
    expect(figuresOnly(await queryKpis(ch, { ...q, queues: ['q2', 'Q1'] }, o))).toEqual(ref.filter((r) => r.queue === 'q2' || r.queue === 'Q1'));
    expect((await queryKpis(ch, { ...q, queues: ['q2'], by: 'month' }, o)).map((r) => r.definition)).toEqual(['2026-10', '2026-11'].map((period) => ({
      formula: 'answered', threshold_s: 30, strict: false, short_abandon_s: 0, tz: 'America/La_Paz', count_refused: true, include_out_of_hours: false, target_pct: 80,
      site: 'default', settings_version: 0, site_defaults_version: 0, calendar_version: 0, calendar_tz: 'America/La_Paz',
      holidays: period === '2026-11' ? ['2026-11-02'] : [], overrides: [], spans_change: false,
    })));
    // Periods asked in another zone: opening hours are still read in the calendar's own zone.
    expect(figuresOnly(await queryKpis(ch, { ...q, tz: 'UTC' }, o))).toEqual(
      reference({ from: parseBound(q.from, 'UTC'), to: parseBound(q.to, 'UTC'), by: 'day', tz: 'UTC', settings: s, calendar }),
    );
  });

  it('stored versions: each stint is judged by the definition in force at its enter time', async () => {
    // Another site of the same store: its stored versions leave the other tests' site alone.
    const db = ch;
    const site = 'versioned';
    {
      await createStore(db).insertStints(STINTS.filter((x) => x.site === 'default').map((x) => ({ ...x, site, stint_id: `v-${x.stint_id}` })), 0, 't3');
      const change = Date.UTC(2026, 10, 2, 10, 30, 0); // 2026-11-02 10:30 UTC, inside the range
      const calendar: SiteCalendarSpec = { tz: 'UTC', weekly: [0, 1, 2, 3, 4, 5, 6].map(() => [{ from: '06:00', to: '20:00' }]), holidays: ['2026-11-04'] };
      await saveSettingsVersion(db, { site, queue: 'q1', patch: { formula: 'answered', threshold_s: 30 }, validFromMs: 0, createdBy: 't', nowMs: 1 });
      await saveSettingsVersion(db, { site, queue: 'q1', patch: { formula: 'in_threshold_outcomes', threshold_s: 10, strict: true }, validFromMs: change, createdBy: 't', nowMs: 2 });
      await saveSettingsVersion(db, { site, queue: '', patch: { short_abandon_s: 5 }, validFromMs: change, createdBy: 't', nowMs: 3 });
      await saveCalendarVersion(db, { site, spec: calendar, validFromMs: change, createdBy: 't', nowMs: 4 });
      const before = defaultProcessorSettings();
      before.defaultSite.queues['q1'] = { formula: 'answered', threshold_s: 30 };
      const after = defaultProcessorSettings();
      after.defaultSite.defaults.short_abandon_s = 5;
      after.defaultSite.queues['q1'] = { formula: 'in_threshold_outcomes', threshold_s: 10, strict: true };
      const at = (t: number): boolean => t * 1000 >= change;
      for (const by of ['month', 'day', 'hour'] as const) {
        const rows = await queryKpis(db, { site, from: '2026-10-30', to: '2026-11-05', by, tz: 'UTC' }, { defaultTz: 'UTC' });
        expect(figuresOnly(rows)).toEqual(reference({
          from: START, to: START + 6 * 86400, by, tz: 'UTC', settings: before,
          settingsAt: (t) => (at(t) ? after : before), calendarAt: (t) => (at(t) ? calendar : undefined),
        }));
      }
      const days = await queryKpis(db, { site, from: '2026-11-01', to: '2026-11-04', by: 'day', queues: ['q1'], tz: 'UTC' }, { defaultTz: 'UTC' });
      expect(days.map((r) => [r.period, r.definition.formula, r.definition.settings_version, r.definition.calendar_version, r.definition.spans_change])).toEqual([
        ['2026-11-01', 'answered', 1, 0, false],
        ['2026-11-02', 'in_threshold_outcomes', 2, 1, true],
        ['2026-11-03', 'in_threshold_outcomes', 2, 1, false],
      ]);
      // A flag overrides the stored definition over the whole range, and the row says so.
      const flagged = await queryKpis(db, { site, from: '2026-11-01', to: '2026-11-04', by: 'month', queues: ['q1'], tz: 'UTC', threshold_s: 45 }, { defaultTz: 'UTC' });
      expect(flagged[0]?.definition).toMatchObject({ formula: 'in_threshold_outcomes', threshold_s: 45, strict: true, overrides: ['threshold_s'], spans_change: true });
    }
  });

  it('an empty range gives no rows; a reversed range is an error', async () => {
    expect(await queryKpis(ch, { from: '2020-01-01', to: '2020-02-01', by: 'month', tz: 'UTC' })).toEqual([]);
    await expect(queryKpis(ch, { from: '2020-02-01', to: '2020-01-01', tz: 'UTC' })).rejects.toThrow(/before/);
  });
});
