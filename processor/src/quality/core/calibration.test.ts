import { describe, expect, it } from 'vitest';
import type { QaAnswers, QaFormSpec } from '../contract.ts';
import { analystHistory, answerTable, calibrationStats, fleissKappa, revealAllowed, type Submission } from './calibration.ts';
import { checkFormSpec } from './form.ts';
import { scoreAnswers } from './scoring.ts';

describe('fleissKappa', () => {
  it('gives 0.210 on the example of Fleiss (1971): 10 subjects, 14 raters, 5 categories', () => {
    // P̄ = 0.378, Pe = 0.213, kappa = 0.20993...
    const table = [
      [0, 0, 0, 0, 14],
      [0, 2, 6, 4, 2],
      [0, 0, 3, 5, 6],
      [0, 3, 9, 2, 0],
      [2, 2, 8, 1, 1],
      [7, 7, 0, 0, 0],
      [3, 2, 6, 3, 0],
      [2, 5, 3, 2, 2],
      [6, 5, 2, 1, 0],
      [0, 2, 2, 3, 7],
    ];
    expect(fleissKappa(table)).toBe(0.21);
  });

  it.each([
    ['perfect agreement over two categories', [[3, 0], [0, 3]], 1],
    ['every rating in one category (chance agreement 1)', [[0, 3], [0, 3]], null],
    ['one rater', [[1, 0], [0, 1]], null],
    ['no subjects', [], null],
    // P̄ = 0, Pe = 0.5: agreement below chance.
    ['two raters who always disagree', [[1, 1], [1, 1]], -1],
  ] as const)('%s', (_name, table, kappa) => {
    expect(fleissKappa(table.map((r) => [...r]))).toBe(kappa);
  });

  it('refuses rows with different rater counts', () => {
    expect(() => fleissKappa([[1, 1], [2, 1]])).toThrow(RangeError);
  });
});

// Four yes/no items of weight 1: every "yes" is worth 25 points.
const checked = checkFormSpec({
  name: 'Calibración',
  bands: [{ label: 'all', max: 100 }],
  sections: [{ id: 's', title: 'S', items: ['i1', 'i2', 'i3', 'i4'].map((id) => ({ id, label: id.toUpperCase(), type: 'yes_no' })) }],
});
if (!checked.ok) throw new Error(checked.reason);
const FORM: QaFormSpec = checked.value;

function sub(analyst: string, ...v: number[]): Submission {
  const answers: QaAnswers = { i1: v[0] as number, i2: v[1] as number, i3: v[2] as number, i4: v[3] as number };
  const { score, raw_score, zeroed } = scoreAnswers(FORM, answers);
  return { analyst, answers, score, raw_score, zeroed };
}

const SUBS = [sub('ana', 1, 1, 1, 1), sub('bob', 1, 1, 0, 0), sub('cid', 1, 1, 1, 0), sub('ref', 1, 1, 1, 0)];

describe('calibrationStats with a reference analyst', () => {
  const stats = calibrationStats({ reference: { kind: 'analyst', analyst: 'ref' }, tolerance: 5 }, FORM, SUBS);

  it('gives each analyst the deviation from the reference, the tolerance verdict and item agreement', () => {
    expect(stats.reference_score).toBe(75);
    expect(stats.analysts).toEqual([
      { analyst: 'ana', score: 100, raw_score: 100, zeroed: false, deviation: 25, within_tolerance: false, item_agreement_pct: 75, is_reference: false },
      { analyst: 'bob', score: 50, raw_score: 50, zeroed: false, deviation: -25, within_tolerance: false, item_agreement_pct: 75, is_reference: false },
      { analyst: 'cid', score: 75, raw_score: 75, zeroed: false, deviation: 0, within_tolerance: true, item_agreement_pct: 100, is_reference: false },
      { analyst: 'ref', score: 75, raw_score: 75, zeroed: false, deviation: null, within_tolerance: null, item_agreement_pct: null, is_reference: true },
    ]);
  });

  it('tabulates each item against the reference', () => {
    expect(stats.items.map((i) => [i.item_id, i.reference, i.agreement_pct, i.unanimous])).toEqual([
      ['i1', 1, 100, true],
      ['i2', 1, 100, true],
      ['i3', 1, 66.67, false],
      ['i4', 0, 66.67, false],
    ]);
    expect(stats.items[3]?.answers).toEqual({ ana: 1, bob: 0, cid: 0, ref: 0 });
  });

  it('measures spread, standard deviation and Fleiss kappa', () => {
    // Scores 100, 50, 75, 75: spread 50; σ = sqrt((625 + 625 + 0 + 0) / 4) = 17.677...
    expect(stats.spread).toBe(50);
    expect(stats.std_dev).toBe(17.68);
    // Items x (no, yes): [0,4] [0,4] [1,3] [3,1] -> P̄ = 36/48, Pe = 160/256, kappa = 1/3.
    expect(answerTable(FORM, SUBS)).toEqual([[0, 4], [0, 4], [1, 3], [3, 1]]);
    expect(stats.fleiss_kappa).toBe(0.333);
  });

  it('counts |deviation| equal to the tolerance as within', () => {
    const s = calibrationStats({ reference: { kind: 'analyst', analyst: 'ref' }, tolerance: 25 }, FORM, SUBS);
    expect(s.analysts.map((x) => x.within_tolerance)).toEqual([true, true, true, null]);
  });

  it('has no deviations while the reference has not submitted', () => {
    const s = calibrationStats({ reference: { kind: 'analyst', analyst: 'ref' }, tolerance: 5 }, FORM, SUBS.slice(0, 2));
    expect(s.reference_score).toBeNull();
    expect(s.analysts.map((x) => [x.analyst, x.deviation, x.within_tolerance, x.item_agreement_pct])).toEqual([
      ['ana', null, null, null],
      ['bob', null, null, null],
    ]);
    expect(s.items.every((i) => i.agreement_pct === null && i.reference === null)).toBe(true);
    expect(s.spread).toBe(50);
    expect(s.std_dev).toBe(25);
  });
});

describe('calibrationStats without a reference (consensus)', () => {
  const stats = calibrationStats({ reference: { kind: 'consensus' }, tolerance: 5 }, FORM, SUBS);

  it('compares each analyst with the mean of the others', () => {
    // ana: 100 - (50 + 75 + 75) / 3 = 33.33; bob: 50 - (100 + 75 + 75) / 3 = -33.33; cid, ref: 75 - 75 = 0.
    // Item agreement: share of (item, other analyst) pairs answered alike: ana 8/12, bob 8/12, cid and ref 10/12.
    expect(stats.reference_score).toBeNull();
    expect(stats.analysts).toEqual([
      { analyst: 'ana', score: 100, raw_score: 100, zeroed: false, deviation: 33.33, within_tolerance: false, item_agreement_pct: 66.67, is_reference: false },
      { analyst: 'bob', score: 50, raw_score: 50, zeroed: false, deviation: -33.33, within_tolerance: false, item_agreement_pct: 66.67, is_reference: false },
      { analyst: 'cid', score: 75, raw_score: 75, zeroed: false, deviation: 0, within_tolerance: true, item_agreement_pct: 83.33, is_reference: false },
      { analyst: 'ref', score: 75, raw_score: 75, zeroed: false, deviation: 0, within_tolerance: true, item_agreement_pct: 83.33, is_reference: false },
    ]);
  });

  it('gives item agreement as the share of agreeing analyst pairs', () => {
    // i3 and i4: three alike and one apart -> 3 of 6 pairs agree.
    expect(stats.items.map((i) => [i.item_id, i.reference, i.agreement_pct, i.unanimous])).toEqual([
      ['i1', null, 100, true],
      ['i2', null, 100, true],
      ['i3', null, 50, false],
      ['i4', null, 50, false],
    ]);
    expect(stats.spread).toBe(50);
    expect(stats.std_dev).toBe(17.68);
    expect(stats.fleiss_kappa).toBe(0.333);
  });

  it('has nothing to compare with a single submission', () => {
    const s = calibrationStats({ reference: { kind: 'consensus' }, tolerance: 5 }, FORM, [SUBS[0] as Submission]);
    expect(s.analysts).toEqual([{ analyst: 'ana', score: 100, raw_score: 100, zeroed: false, deviation: null, within_tolerance: null, item_agreement_pct: null, is_reference: false }]);
    expect(s.spread).toBe(0);
    expect(s.std_dev).toBe(0);
    expect(s.fleiss_kappa).toBeNull();
  });
});

describe('revealAllowed', () => {
  it.each([
    [false, false, false, false],
    [true, false, false, true],
    [false, true, false, true],
    [false, false, true, true],
  ])('submitted %s, deadline passed %s, coordinator %s -> %s', (submitted, deadlinePassed, coordinator, allowed) => {
    expect(revealAllowed({ submitted, deadlinePassed, coordinator })).toBe(allowed);
  });
});

describe('analystHistory', () => {
  it('averages each analyst deviation over sessions and calls the tendency', () => {
    const rows = [
      { analyst: 'bob', deviation: -25, within_tolerance: false },
      { analyst: 'ana', deviation: 25, within_tolerance: false },
      { analyst: 'ana', deviation: 5, within_tolerance: true },
      { analyst: 'bob', deviation: -1, within_tolerance: true },
      { analyst: 'cid', deviation: 0, within_tolerance: true },
      { analyst: 'cid', deviation: 2.5, within_tolerance: true },
      { analyst: 'ref', deviation: null, within_tolerance: null },
    ];
    expect(analystHistory(rows)).toEqual([
      { analyst: 'ana', sessions: 2, mean_deviation: 15, within_tolerance_pct: 50, leniency: 'lenient' },
      { analyst: 'bob', sessions: 2, mean_deviation: -13, within_tolerance_pct: 50, leniency: 'severe' },
      { analyst: 'cid', sessions: 2, mean_deviation: 1.25, within_tolerance_pct: 100, leniency: 'aligned' },
    ]);
  });
});

describe('calibrationStats with zeroed scores', () => {
  it('keeps each raw score beside the zeroed one, so two analysts who disagreed show apart', () => {
    const spec = checkFormSpec({
      name: 'Crítico',
      bands: [{ label: 'all', max: 100 }],
      critical_policy: 'zero_score',
      sections: [{ id: 's', title: 'S', items: [
        { id: 'c', label: 'C', type: 'yes_no', critical: 'compliance' },
        { id: 'a', label: 'A', type: 'yes_no' },
        { id: 'b', label: 'B', type: 'yes_no' },
      ] }],
    });
    if (!spec.ok) throw new Error(spec.reason);
    const of = (analyst: string, answers: QaAnswers): Submission => ({ analyst, answers, ...scoreAnswers(spec.value, answers) });
    const s = calibrationStats({ reference: { kind: 'consensus' }, tolerance: 5 }, spec.value, [of('ana', { c: 0, a: 1, b: 1 }), of('bob', { c: 0, a: 0, b: 0 })]);
    expect(s.analysts.map((a) => [a.analyst, a.score, a.raw_score, a.zeroed, a.deviation])).toEqual([
      ['ana', 0, 66.67, true, 0],
      ['bob', 0, 0, true, 0],
    ]);
  });
});
