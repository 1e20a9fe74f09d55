// The calls behind a figure are the figure (issue 20, conventions "One truth"): for every figure
// of a generated month (per-queue stored definitions, a split-hours calendar with a holiday,
// short abandons, refused counted on one queue, a settings version that changes mid-month, two
// sites), the list's total and its rows paged to the end equal the KPI row's figure, for the
// month row and for each day row; the SL's numerator and denominator equal the terms of the SL
// the row shows. Paging covers every stint once in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '@tablero/sql';
import { CALL_FIGURES, OUTCOMES, type CallFigure, type CallListRow, type CallsQuery, type KpiRow } from '../contract.ts';
import type { SiteCalendarSpec } from '../core/calendar.ts';
import { ratio2, type KpiSums } from '../core/kpi-math.ts';
import type { StintOutcome, StintRow } from '../core/stint-machine.ts';
import { freshClickHouse } from '../testing/clickhouse.ts';
import { CallsQueryError, cursorAfter, queryCalls } from './calls-query.ts';
import { planRead, queryKpis, readPeriodSums, resolverFor, type KpiReadOptions } from './kpi-query.ts';
import { saveCalendarVersion, saveSettingsVersion } from './settings-store.ts';
import { createStore } from './store.ts';

let ch: ClickHouse & { dispose(): Promise<void> };
const O: KpiReadOptions = { defaultTz: 'UTC' };
const MONTH_S = Date.UTC(2026, 10, 1) / 1000;
const SITES = [
  { site: 'default', tz: 'America/Bogota', queues: ['ventas', 'soporte', 'cobros'] },
  { site: 'norte', tz: 'America/La_Paz', queues: ['ventas', 'reclamos'] },
] as const;
const N_PER_SITE = 1500;
/** Stints of site `default` that entered in November in Bogota (UTC-5 all year). */
let inMonthDefault = 0;

beforeAll(async () => {
  ch = await freshClickHouse();
  // mulberry32: a seeded generator whose every bit varies (an LCG's low bits repeat).
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
  const outcomes: StintOutcome[] = [...OUTCOMES, 'cut_by_restart'];
  const stints: StintRow[] = [];
  for (const { site, queues } of SITES) {
    for (let i = 0; i < N_PER_SITE; i++) {
      const outcome = outcomes[rnd(outcomes.length)] as StintOutcome;
      // Spill a little over both ends of the month: those stints belong to no row of it.
      const enter = MONTH_S - 86400 + rnd(32 * 86400);
      // Many short waits, so short abandons (< 5 s, < 8 s) and within-T both ways occur.
      const wait = outcome === 'refused' ? 0 : rnd(12) === 0 ? null : rnd(3) === 0 ? rnd(9) : rnd(60);
      stints.push({
        stint_id: `${site}-${i}`, site, queue: queues[rnd(queues.length)] as string, callid: `${site}-c${i}`, enter_ts: enter, end_ts: enter + 100,
        outcome, wait_s: wait, talk_s: outcome === 'answered' ? rnd(300) : null, agent: outcome === 'answered' ? `ag${rnd(4)}` : '',
        caller: `300${String(i).padStart(7, '0')}`, transferred: rnd(10) === 0, enter_seen: wait !== null, end_event_id: `e${site}${i}`,
      });
    }
  }
  await createStore(ch).insertStints(stints, 0, 'calls-month');
  const [a, b] = [Date.UTC(2026, 10, 1, 5) / 1000, Date.UTC(2026, 11, 1, 5) / 1000];
  inMonthDefault = stints.filter((x) => x.site === 'default' && x.enter_ts >= a && x.enter_ts < b).length;
  const mid = Date.UTC(2026, 10, 15, 15, 30); // 10:30 in Bogota, inside the month
  const save = (site: string, queue: string, patch: Record<string, unknown>, validFromMs: number, nowMs: number): Promise<number> =>
    saveSettingsVersion(ch, { site, queue, patch, validFromMs, createdBy: 'test', nowMs });
  await save('default', '', { short_abandon_s: 5 }, 0, 1);
  await save('default', 'ventas', { formula: 'answered', threshold_s: 30 }, 0, 2);
  await save('default', 'soporte', { formula: 'offered', threshold_s: 15, count_refused: true }, 0, 3);
  await save('default', 'ventas', { formula: 'in_threshold_outcomes', threshold_s: 10, strict: true }, mid, 4);
  await save('norte', 'ventas', { formula: 'abandon_after_threshold', threshold_s: 20 }, 0, 5);
  await save('norte', 'reclamos', { formula: 'answered_abandoned', short_abandon_s: 8 }, 0, 6);
  const weekdays = (ranges: Array<{ from: string; to: string }>, saturday: Array<{ from: string; to: string }>): SiteCalendarSpec['weekly'] =>
    [0, 1, 2, 3, 4, 5, 6].map((d) => (d < 5 ? ranges : d === 5 ? saturday : []));
  await saveCalendarVersion(ch, {
    site: 'default', validFromMs: 0, createdBy: 'test', nowMs: 7,
    spec: { tz: 'America/Bogota', weekly: weekdays([{ from: '08:00', to: '12:00' }, { from: '14:00', to: '18:00' }], [{ from: '09:00', to: '13:00' }]), holidays: ['2026-11-17'] },
  });
  await saveCalendarVersion(ch, {
    site: 'norte', validFromMs: 0, createdBy: 'test', nowMs: 8,
    spec: { tz: 'America/La_Paz', weekly: weekdays([{ from: '07:30', to: '19:00' }], []), holidays: ['2026-11-02'] },
  });
}, 120_000);
afterAll(async () => {
  await ch?.dispose();
});

type ListedFigure = Exclude<CallFigure, 'all'>;
const LISTED = CALL_FIGURES.filter((f): f is ListedFigure => f !== 'all');

/** The figure of a row as the KPI read states it: the row's count, or the sums behind the SL and cut_by_restart. */
function figureOf(row: KpiRow, sums: KpiSums, f: ListedFigure): number {
  if (f === 'sl_numerator') return sums.sl_num;
  if (f === 'sl_denominator') return sums.sl_den;
  if (f === 'cut_by_restart') return sums.cut_by_restart;
  return row[f];
}

/** Every page of a list, in order. */
async function allPages(q: CallsQuery): Promise<{ total: number; rows: CallListRow[]; pages: number }> {
  const out: CallListRow[] = [];
  let cursor: string | undefined;
  let total = -1;
  let pages = 0;
  for (;;) {
    const page = await queryCalls(ch, { ...q, ...(cursor === undefined ? {} : { cursor }) }, O);
    if (total >= 0) expect(page.total).toBe(total); // every page states the whole list's total
    total = page.total;
    out.push(...page.rows);
    pages += 1;
    if (page.next_cursor === null) return { total, rows: out, pages };
    cursor = page.next_cursor;
  }
}

describe.each([
  ['stored definitions', {}],
  ['a threshold override', { threshold_s: 25 }],
] as const)('every figure equals its list, %s', (_name, override) => {
  it.each(SITES.map((s) => [s.site, s] as const))('site %s: month rows (paged to the end) and day rows', async (_site, s) => {
    const base = { site: s.site, tz: s.tz, from: '2026-11-01', to: '2026-12-01', ...override };
    const plan = planRead(await resolverFor(ch, O), base, O);
    for (const by of ['month', 'day'] as const) {
      const kpis = await queryKpis(ch, { ...base, by }, O);
      const sums = await readPeriodSums(ch, plan, by);
      expect(kpis.length).toBe(by === 'month' ? s.queues.length : s.queues.length * 30);
      expect(sums.map((x) => [x.queue, x.period])).toEqual(kpis.map((r) => [r.queue, r.period]));
      if (by === 'month') {
        for (const [i, row] of kpis.entries()) {
          const rowSums = (sums[i] as (typeof sums)[number]).sums;
          // The SL the row shows is made of exactly these terms.
          expect(ratio2(rowSums.sl_num, rowSums.sl_den, 100)).toBe(row.sl_pct);
          for (const f of LISTED) {
            const want = figureOf(row, rowSums, f);
            const got = await allPages({ ...base, queues: [row.queue], period: row.period, figure: f, limit: 250 });
            expect([f, got.total, got.rows.length, new Set(got.rows.map((r) => r.stint_id)).size]).toEqual([f, want, want, want]);
            expect(got.rows.every((r) => r.queue === row.queue && r.period === row.period && r.figures.includes(f))).toBe(true);
          }
        }
        continue;
      }
      // Day rows: one list of every stint of the month per queue; each row's figure equals the
      // stints of its day carrying that figure; and a day's cell read with `period` has that total.
      for (const queue of s.queues) {
        const all = await allPages({ ...base, queues: [queue], by: 'day', figure: 'all', limit: 1000 });
        for (const [i, row] of kpis.entries()) {
          if (row.queue !== queue) continue;
          const rowSums = (sums[i] as (typeof sums)[number]).sums;
          const ofDay = all.rows.filter((r) => r.period === row.period);
          const listed = Object.fromEntries(LISTED.map((f) => [f, ofDay.filter((r) => r.figures.includes(f)).length]));
          expect(listed).toEqual(Object.fromEntries(LISTED.map((f) => [f, figureOf(row, rowSums, f)])));
        }
        for (const f of LISTED) {
          const row = kpis.find((r) => r.queue === queue && r.period === '2026-11-15') as KpiRow;
          const rowSums = sums.find((x) => x.queue === queue && x.period === '2026-11-15')?.sums as KpiSums;
          expect([f, (await queryCalls(ch, { ...base, queues: [queue], period: '2026-11-15', figure: f, limit: 1 }, O)).total]).toEqual([f, figureOf(row, rowSums, f)]);
        }
      }
    }
  }, 300_000);
});

describe('the generated month has what the test must cover', () => {
  it('short abandons, out of hours, refused counted on one queue, restarts and a definition change', async () => {
    const rows = await queryKpis(ch, { site: 'default', tz: 'America/Bogota', from: '2026-11-01', to: '2026-12-01', by: 'month' }, O);
    const by = Object.fromEntries(rows.map((r) => [r.queue, r]));
    expect(rows.every((r) => r.short_abandoned > 0 && r.out_of_hours > 0 && r.refused > 0)).toBe(true);
    expect(by['soporte']?.offered).toBe((by['soporte'] as KpiRow).answered + (by['soporte'] as KpiRow).unanswered + (by['soporte'] as KpiRow).refused);
    expect(by['ventas']?.offered).toBe((by['ventas'] as KpiRow).answered + (by['ventas'] as KpiRow).unanswered);
    expect(by['ventas']?.definition).toMatchObject({ formula: 'in_threshold_outcomes', settings_version: 2, spans_change: true, holidays: ['2026-11-17'] });
    const page = await queryCalls(ch, { site: 'default', tz: 'America/Bogota', from: '2026-11-01', to: '2026-12-01', queues: ['ventas'], period: '2026-11', figure: 'offered', limit: 1 }, O);
    expect(page.definition).toEqual(by['ventas']?.definition);
  });
});

describe('paging', () => {
  const q = { site: 'default', tz: 'America/Bogota', from: '2026-11-01', to: '2026-12-01', figure: 'all' as const };
  it.each(['newest', 'oldest', 'longest_wait', 'longest_talk'] as const)('keyset pages (%s) cover every stint once, in order', async (order) => {
    const got = await allPages({ ...q, order, limit: 97 });
    const ids = got.rows.map((r) => r.stint_id);
    expect(new Set(ids).size).toBe(got.total);
    expect(got.rows.length).toBe(got.total);
    expect(got.pages).toBe(Math.ceil(got.total / 97));
    // A page that ends exactly at the end of the list is the last one: no cursor to an empty page.
    const tail = await queryCalls(ch, { ...q, order, limit: 97, cursor: cursorAfter(got.rows[got.total - 98] as CallListRow, order) }, O);
    expect([tail.rows.map((r) => r.stint_id), tail.next_cursor]).toEqual([got.rows.slice(-97).map((r) => r.stint_id), null]);
    const key = (r: CallListRow): string => `${r.enter_ts}\0${r.stint_id}`;
    const byKey = (a: CallListRow, b: CallListRow): number => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
    // Longest first: the duration descending (a stint without it last), then newest first.
    const dur = (r: CallListRow): number => (order === 'longest_wait' ? r.wait_s : r.talk_s) ?? -1;
    const expected = [...got.rows].sort((a, b) => (order === 'oldest' ? byKey(a, b) : order === 'newest' ? -byKey(a, b) : dur(b) - dur(a) || -byKey(a, b)));
    expect(got.rows.map(key)).toEqual(expected.map(key));
    if (order === 'longest_wait') expect(new Set(got.rows.map((r) => r.wait_s)).size).toBeGreaterThan(5);
    // Every stint of the site that entered in the month, as stored.
    expect(got.total).toBe(inMonthDefault);
  });

  it.each<[string, Partial<CallsQuery>, string]>([
    ['a cursor that is not one', { cursor: 'not-a-cursor' }, 'cursor'],
    ['a cursor of the other order', { cursor: Buffer.from(JSON.stringify([1, 'x', 'oldest'])).toString('base64url') }, 'cursor'],
    ['a period of another grouping', { by: 'day', period: '2026-11' }, 'period'],
    ['a period that is no period', { period: '2026-11-03T14:20' }, 'period'],
    ['a limit over 1000', { limit: 1001 }, 'limit'],
  ])('rejects %s', async (_name, bad, param) => {
    const err = await queryCalls(ch, { ...q, ...bad }, O).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CallsQueryError);
    expect([(err as CallsQueryError).name, (err as CallsQueryError).param]).toEqual(['KpiQueryError', param]);
  });
});
