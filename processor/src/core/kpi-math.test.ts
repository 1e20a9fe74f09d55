import { describe, expect, it } from 'vitest';
import { SL_FORMULAS, type SlFormula } from '../contract.ts';
import { DERIVED_SUMS, addStint, emptySums, figures, mergeSums, ratio2, withDefinition, type KpiDef, type KpiSums } from './kpi-math.ts';
import type { StintOutcome } from './stint-machine.ts';

type S = { outcome: StintOutcome; wait_s: number | null; talk_s: number | null };
const st = (outcome: StintOutcome, wait_s: number | null, talk_s: number | null = null): S => ({ outcome, wait_s, talk_s });

// Hand-worked set: T = 20.
const STINTS: S[] = [
  st('answered', 10, 100),
  st('answered', 20, 50), // exactly T: within when inclusive, after when strict
  st('answered', 25, null), // unknown talk: out of AHT
  st('answered', null, 40), // unknown wait: never within, out of ASA and longest
  st('abandoned', 5),
  st('abandoned', 30),
  st('timeout', 300),
  st('exit_key', 15),
  st('exit_empty', null),
  st('withdrawn', 20),
  st('failed', 2),
  st('refused', 0),
  st('cut_by_restart', null),
];

const DEF: KpiDef = { formula: 'offered', threshold_s: 20, strict: false, short_abandon_s: 0, count_refused: false, include_out_of_hours: false };

function sumsOf(def: KpiDef, stints: S[] = STINTS) {
  const s = emptySums();
  for (const x of stints) addStint(s, x, def);
  return s;
}

describe('figures: counts (kpi-definitions §3)', () => {
  it('default settings', () => {
    const f = figures(sumsOf(DEF));
    expect(f).toEqual({
      offered: 11, answered: 4, answered_within: 2, unanswered: 7,
      abandoned: 2, timeout: 1, exit_key: 1, exit_empty: 1, withdrawn: 1, failed: 1,
      refused: 1, short_abandoned: 0, out_of_hours: 0,
      sl_pct: 18.18, // 2/11
      abandon_rate_pct: 18.18, // 2/11
      unanswered_rate_pct: 63.64, // 7/11 = 63.636..
      asa_s: 18.33, // (10+20+25)/3
      avg_abandon_wait_s: 17.5, // (5+30)/2
      aht_s: 63.33, // (100+50+40)/3
      longest_wait_s: 300,
    });
    expect(sumsOf(DEF).cut_by_restart).toBe(1);
  });

  it.each<[SlFormula, boolean, number]>([
    ['offered', false, 18.18], // A_T 2 / O 11
    ['answered', false, 50], // 2 / 4
    ['answered_abandoned', false, 33.33], // 2 / (4 + 2)
    ['abandon_after_threshold', false, 40], // 2 / (4 + 1: the 30 s abandon)
    ['in_threshold_outcomes', false, 54.55], // (2 + U_T 4: abandon 5, exit_key 15, withdrawn 20, failed 2) / 11
    ['offered', true, 9.09], // strict: A_T 1 / 11
    ['answered', true, 25], // 1 / 4
    ['answered_abandoned', true, 16.67], // 1 / 6
    ['abandon_after_threshold', true, 20], // 1 / (4 + 1)
    ['in_threshold_outcomes', true, 36.36], // (1 + U_T 3: 5, 15, 2) / 11
  ])('SL formula %s strict=%s -> %s', (formula, strict, expected) => {
    const def = { ...DEF, formula, strict };
    expect(figures(sumsOf(def)).sl_pct).toBe(expected);
  });

  it('short abandons leave every numerator and denominator', () => {
    const def = { ...DEF, short_abandon_s: 10 };
    const f = figures(sumsOf(def));
    expect(f).toMatchObject({
      offered: 10, abandoned: 1, unanswered: 6, short_abandoned: 1,
      sl_pct: 20, abandon_rate_pct: 10, unanswered_rate_pct: 60, avg_abandon_wait_s: 30, longest_wait_s: 300,
    });
    expect(figures(sumsOf({ ...def, formula: 'in_threshold_outcomes' })).sl_pct).toBe(50); // (2 + 3) / 10
    // A wait equal to short_abandon_s is not short (wait < short_abandon_s).
    const s = emptySums();
    addStint(s, st('abandoned', 10), def);
    expect([s.abandoned, s.short_abandoned]).toEqual([1, 0]);
  });

  it('refused counts as offered only with count_refused', () => {
    const def = { ...DEF, count_refused: true };
    expect(figures(sumsOf(def))).toMatchObject({ offered: 12, refused: 1, sl_pct: 16.67, unanswered_rate_pct: 58.33 });
  });

  it('out-of-hours stints are reported on their own unless include_out_of_hours', () => {
    const s = emptySums();
    addStint(s, st('answered', 1, 10), DEF, { outOfHours: true });
    addStint(s, st('abandoned', 50), DEF, { outOfHours: false });
    expect(figures(s)).toMatchObject({ offered: 1, answered: 0, abandoned: 1, out_of_hours: 1, sl_pct: 0, longest_wait_s: 50 });
    const inc = { ...DEF, include_out_of_hours: true };
    const t = emptySums();
    addStint(t, st('answered', 1, 10), inc, { outOfHours: true });
    addStint(t, st('abandoned', 50), inc, { outOfHours: false });
    expect(figures(t)).toMatchObject({ offered: 2, answered: 1, abandoned: 1, out_of_hours: 1, sl_pct: 50 });
  });

  it('zero denominators are null, never 0 or 100', () => {
    for (const formula of SL_FORMULAS) {
      expect(figures(withDefinition(emptySums(), { ...DEF, formula }))).toMatchObject({
        offered: 0, sl_pct: null, abandon_rate_pct: null, unanswered_rate_pct: null,
        asa_s: null, avg_abandon_wait_s: null, aht_s: null, longest_wait_s: null,
      });
    }
    // Only refused stints: offered 0 without count_refused.
    const s = emptySums();
    addStint(s, st('refused', 0), DEF);
    expect(figures(s).sl_pct).toBeNull();
    // Only answered with unknown wait: ASA has no data.
    const u = emptySums();
    addStint(u, st('answered', null, null), DEF);
    expect(figures(u)).toMatchObject({ answered: 1, sl_pct: 0, asa_s: null, aht_s: null, longest_wait_s: null });
  });

  it('merging sums equals adding every stint to one', () => {
    const a = sumsOf(DEF, STINTS.slice(0, 6));
    mergeSums(a, sumsOf(DEF, STINTS.slice(6)));
    expect(a).toEqual(sumsOf(DEF));
  });
});

describe('definitions in the sums (each stint judged by its own definition)', () => {
  // What the SQL path does: counts under one definition, then withDefinition() applies it.
  const counted = (def: KpiDef): KpiSums => {
    const s = sumsOf(def);
    for (const k of DERIVED_SUMS) s[k] = 0;
    return withDefinition(s, def);
  };
  it.each(SL_FORMULAS.flatMap((formula) => [false, true].map((count_refused) => [formula, count_refused] as const)))(
    'addStint per stint equals withDefinition over the counts (%s, count_refused %s)',
    (formula, count_refused) => {
      const def = { ...DEF, formula, count_refused };
      expect(sumsOf(def)).toEqual(counted(def));
    },
  );

  it('a period that spans a change adds the terms each part was judged by', () => {
    // Morning: formula offered, T = 20 -> SL terms 2 / 11. Afternoon: formula answered, T = 10 -> 1 / 4.
    const morning = sumsOf(DEF);
    const afternoon = sumsOf({ ...DEF, formula: 'answered', threshold_s: 10 });
    expect([morning.sl_num, morning.sl_den, afternoon.sl_num, afternoon.sl_den]).toEqual([2, 11, 1, 4]);
    const day = emptySums();
    mergeSums(day, morning);
    mergeSums(day, afternoon);
    // (2 + 1) / (11 + 4) = 20 %; offered 11 + 11; answered within T: 2 (T = 20) + 1 (T = 10).
    expect(figures(day)).toMatchObject({ offered: 22, answered: 8, answered_within: 3, sl_pct: 20 });
  });
});

describe('ratio2: exact half-up rounding from integers (kpi-definitions §11)', () => {
  it.each<[number, number, number, number | null]>([
    [201, 200, 1, 1.01], // 1.005 -> 1.01 (Math.round(1.005 * 100) / 100 gives 1)
    [1005, 1000, 1, 1.01],
    [100049, 100000, 1, 1],
    [1, 8, 1, 0.13], // 0.125
    [1, 3, 100, 33.33],
    [2, 3, 100, 66.67],
    [1, 200, 100, 0.5],
    [7, 11, 100, 63.64],
    [0, 5, 100, 0],
    [5, 5, 100, 100],
    [3, 0, 100, null],
    [123456789, 1000, 1, 123456.79],
    [123456785, 1000, 1, 123456.79], // .785 half up
  ])('%d/%d x %d -> %s', (num, den, scale, expected) => {
    expect(ratio2(num, den, scale)).toBe(expected);
  });
});
