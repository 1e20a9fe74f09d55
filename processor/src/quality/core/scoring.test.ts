import { describe, expect, it } from 'vitest';
import type { QaAnswers, QaFormSpec } from '../contract.ts';
import { ratio, roundDiv } from '../../core/rounding.ts';
import { checkAnswers, checkFormSpec } from './form.ts';
import { averageScore, bandOf, criticalAccuracy, monthlyTrend, scoreAnswers } from './scoring.ts';

const BANDS = [
  { label: 'needs_improvement', max: 60 },
  { label: 'meets', max: 85 },
  { label: 'exceeds', max: 100 },
];

function form(policy: QaFormSpec['critical_policy']): QaFormSpec {
  const checked = checkFormSpec({
    name: 'Monitoreo 2026',
    critical_policy: policy,
    bands: BANDS,
    sections: [
      {
        id: 's1',
        title: 'Apertura',
        items: [
          { id: 'greet', label: 'Saluda', type: 'yes_no', weight: 2 },
          { id: 'empathy', label: 'Empatía', type: 'scale', max: 4, weight: 3, allow_na: true },
          { id: 'verify_id', label: 'Verifica identidad', type: 'yes_no', weight: 1, allow_na: true, critical: 'compliance' },
        ],
      },
      {
        id: 's2',
        title: 'Cierre',
        items: [
          { id: 'resolve', label: 'Resuelve', type: 'scale', max: 5, weight: 4 },
          { id: 'data_policy', label: 'Habeas data', type: 'yes_no', weight: 1, critical: 'end_user', guidance: 'Ley 1581' },
        ],
      },
    ],
  });
  if (!checked.ok) throw new Error(checked.reason);
  return checked.value;
}

const a = (greet: number, empathy: number | 'na', verify_id: number | 'na', resolve: number, data_policy: number): QaAnswers => ({
  greet,
  empathy,
  verify_id,
  resolve,
  data_policy,
});

describe('scoreAnswers', () => {
  // score = 100 x sum(w x p / max) / sum(w) over non-N/A items; weights 2, 3, 1, 4, 1.
  it.each([
    ['all points', 'zero_score', a(1, 4, 1, 5, 1), 100, 100, 'exceeds', [], false, 5],
    ['partial: 100 x (2 + 3x2/4 + 1 + 4x3/5 + 1) / 11 = 71.818', 'zero_score', a(1, 2, 1, 3, 1), 71.82, 71.82, 'meets', [], false, 5],
    ['N/A leaves the weight out: 100 x (0 + 1 + 4x4/5 + 1) / 8', 'zero_score', a(0, 'na', 1, 4, 1), 65, 65, 'meets', [], false, 4],
    ['failed critical with zero_score: raw 100 x 10/11, score 0', 'zero_score', a(1, 4, 0, 5, 1), 0, 90.91, 'needs_improvement', ['compliance'], true, 5],
    ['failed critical with keep_score', 'keep_score', a(1, 4, 0, 5, 1), 90.91, 90.91, 'exceeds', ['compliance'], false, 5],
    ['a critical item answered N/A is not failed', 'zero_score', a(1, 4, 'na', 5, 1), 100, 100, 'exceeds', [], false, 4],
    ['two categories failed, listed in category order', 'keep_score', a(1, 4, 0, 5, 0), 81.82, 81.82, 'meets', ['end_user', 'compliance'], false, 5],
    ['everything at 0', 'zero_score', a(0, 0, 1, 0, 1), 18.18, 18.18, 'needs_improvement', [], false, 5],
  ] as const)('%s', (_name, policy, answers, score, raw, band, failed, zeroed, applicable) => {
    expect(scoreAnswers(form(policy), answers)).toEqual({
      score,
      raw_score: raw,
      band,
      failed_critical: failed,
      zeroed,
      applicable_items: applicable,
    });
  });

  it('gives no score when every item is N/A', () => {
    const f = checkFormSpec({
      name: 'na',
      bands: BANDS,
      sections: [{ id: 's', title: 'S', items: [{ id: 'x', label: 'X', type: 'yes_no', allow_na: true, critical: 'business' }] }],
    });
    if (!f.ok) throw new Error(f.reason);
    expect(scoreAnswers(f.value, { x: 'na' })).toEqual({ score: null, raw_score: null, band: null, failed_critical: [], zeroed: false, applicable_items: 0 });
  });

  it('scores the same answers by the form version they were made with', () => {
    const v1 = form('zero_score');
    // Version 2 weighs resolution 10 instead of 4; an evaluation made on v1 keeps v1's score.
    const v2: QaFormSpec = { ...v1, sections: v1.sections.map((s) => ({ ...s, items: s.items.map((i) => (i.id === 'resolve' ? { ...i, weight: 10 } : i)) })) };
    const answers = a(1, 2, 1, 3, 1);
    expect(scoreAnswers(v1, answers).score).toBe(71.82);
    // 100 x (2 + 1.5 + 1 + 10 x 3/5 + 1) / 17 = 67.647
    expect(scoreAnswers(v2, answers).score).toBe(67.65);
    expect(scoreAnswers(v1, answers).score).toBe(71.82);
  });
});

describe('bandOf', () => {
  it.each([
    [0, 'needs_improvement'],
    [60, 'needs_improvement'],
    [60.01, 'meets'],
    [85, 'meets'],
    [85.01, 'exceeds'],
    [100, 'exceeds'],
    [null, null],
  ] as const)('%s -> %s', (score, band) => {
    expect(bandOf(BANDS, score)).toBe(band);
  });
});

describe('exact rounding', () => {
  it('rounds exact fractions half away from zero', () => {
    expect(ratio(201n, 200n)).toBe(1.01);
    expect(ratio(-201n, 200n)).toBe(-1.01);
    expect(ratio(1n, 3n)).toBe(0.33);
    expect(ratio(2n, 3n)).toBe(0.67);
    expect(roundDiv(5n, 2n)).toBe(3n);
    expect(roundDiv(-5n, 2n)).toBe(-3n);
    expect(ratio(1n, 0n)).toBeNull();
  });
});

describe('critical accuracy, averages and trend', () => {
  const evals = [
    { month: '2026-01', score: 90, failed_critical: [] },
    { month: '2026-01', score: 0, failed_critical: ['compliance', 'end_user'] },
    { month: '2026-01', score: 70.5, failed_critical: ['compliance'] },
    { month: '2026-02', score: null, failed_critical: [] },
    { month: '2026-02', score: 81.25, failed_critical: ['business'] },
  ] as const;

  it('counts evaluations with no failed item of each category', () => {
    expect(criticalAccuracy(evals.slice(0, 3))).toEqual({ end_user: 66.67, business: 100, compliance: 33.33 });
    expect(criticalAccuracy([])).toEqual({ end_user: null, business: null, compliance: null });
  });

  it('averages the scores that exist', () => {
    // (90 + 0 + 70.5) / 3 = 53.5
    expect(averageScore(evals.slice(0, 3))).toBe(53.5);
    expect(averageScore(evals.slice(3))).toBe(81.25);
    expect(averageScore([{ score: null, failed_critical: [] }])).toBeNull();
  });

  it('groups by month, oldest first', () => {
    expect(monthlyTrend([...evals].reverse())).toEqual([
      { month: '2026-01', evaluations: 3, avg_score: 53.5, critical_accuracy: { end_user: 66.67, business: 100, compliance: 33.33 } },
      { month: '2026-02', evaluations: 2, avg_score: 81.25, critical_accuracy: { end_user: 100, business: 50, compliance: 100 } },
    ]);
  });
});

describe('checkFormSpec rejects', () => {
  const item = { id: 'x', label: 'X', type: 'yes_no' };
  const ok = { name: 'F', bands: BANDS, sections: [{ id: 's', title: 'S', items: [item] }] };
  it.each([
    ['not an object', [], 'a form must be an object'],
    ['no name', { ...ok, name: ' ' }, 'name must not be empty'],
    ['no sections', { ...ok, sections: [] }, 'sections must be a non-empty list'],
    ['an empty section', { ...ok, sections: [{ id: 's', title: 'S', items: [] }] }, 'sections[0].items must be a non-empty list'],
    ['a repeated item id', { ...ok, sections: [{ id: 's', title: 'S', items: [item, item] }] }, 'item id x is used twice'],
    ['a repeated section id', { ...ok, sections: [{ id: 's', title: 'S', items: [item] }, { id: 's', title: 'T', items: [{ ...item, id: 'y' }] }] }, 'section id s is used twice'],
    ['a scale without max', { ...ok, sections: [{ id: 's', title: 'S', items: [{ ...item, type: 'scale' }] }] }, 'sections[0].items[0].max must be a whole number from 1 to 10'],
    ['a yes/no with max 3', { ...ok, sections: [{ id: 's', title: 'S', items: [{ ...item, max: 3 }] }] }, 'sections[0].items[0].max of a yes/no item is 1'],
    ['weight 0', { ...ok, sections: [{ id: 's', title: 'S', items: [{ ...item, weight: 0 }] }] }, 'sections[0].items[0].weight must be a whole number from 1 to 100'],
    ['weight 1.5', { ...ok, sections: [{ id: 's', title: 'S', items: [{ ...item, weight: 1.5 }] }] }, 'sections[0].items[0].weight must be a whole number from 1 to 100'],
    ['an unknown critical category', { ...ok, sections: [{ id: 's', title: 'S', items: [{ ...item, critical: 'legal' }] }] }, 'sections[0].items[0].critical must be null or one of end_user, business, compliance'],
    ['a bad item id', { ...ok, sections: [{ id: 's', title: 'S', items: [{ ...item, id: 'a b' }] }] }, 'sections[0].items[0].id must be 1-40 letters, digits, _ or -'],
    ['bands not ending at 100', { ...ok, bands: [{ label: 'a', max: 90 }] }, 'the last band must end at 100'],
    ['bands not ascending', { ...ok, bands: [{ label: 'a', max: 80 }, { label: 'b', max: 70 }, { label: 'c', max: 100 }] }, "bands[1].max must be above the previous band's"],
    ['an unknown policy', { ...ok, critical_policy: 'halve' }, 'critical_policy must be one of zero_score, keep_score'],
  ])('%s', (_name, spec, reason) => {
    expect(checkFormSpec(spec)).toEqual({ ok: false, reason });
  });

  it('fills in defaults', () => {
    expect(checkFormSpec(ok)).toEqual({
      ok: true,
      value: {
        name: 'F',
        bands: BANDS,
        critical_policy: 'zero_score',
        sections: [{ id: 's', title: 'S', items: [{ id: 'x', label: 'X', type: 'yes_no', max: 1, weight: 1, allow_na: false, critical: null, guidance: '' }] }],
      },
    });
  });
});

describe('checkAnswers rejects', () => {
  const f = form('zero_score');
  it.each([
    ['a missing item', { greet: 1, empathy: 2, verify_id: 1, resolve: 3 }, 'item data_policy is not answered'],
    ['an unknown item', { ...a(1, 2, 1, 3, 1), extra: 1 }, 'answer for unknown item extra'],
    ['N/A where not allowed', { ...a(1, 2, 1, 3, 1), greet: 'na' }, 'item greet does not allow N/A'],
    ['points above max', a(1, 5, 1, 3, 1), 'item empathy takes a whole number from 0 to 4'],
    ['a yes/no of 2', a(2, 2, 1, 3, 1), 'item greet takes a whole number from 0 to 1'],
    ['a fraction', a(1, 2, 1, 2.5, 1), 'item resolve takes a whole number from 0 to 5'],
    ['not an object', 'yes', 'answers must be an object of item id -> answer'],
  ])('%s', (_name, answers, reason) => {
    expect(checkAnswers(f, answers)).toEqual({ ok: false, reason });
  });
});
