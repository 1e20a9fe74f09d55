// Scoring an evaluation and summarizing evaluations (kpi-definitions §9). Pure.
//   score = 100 x sum(weight x points / max) / sum(weight), over applicable (non-N/A) items;
//   a critical item answered with 0 points is failed; under `zero_score` any failure makes the
//   score 0; critical accuracy per category = evaluations with no failed item of that category
//   / evaluations.
// Weights and maxima are whole numbers, so the score is an exact fraction, rounded once.
import {
  CRITICAL_CATEGORIES,
  type AgentMonthResult,
  type CriticalAccuracy,
  type CriticalCategory,
  type QaAnswers,
  type QaBand,
  type QaFormSpec,
  type QaScore,
} from '../contract.ts';
import { lcm } from './exact.ts';
import { pct, ratio, roundDiv, toHundredths } from '../../core/rounding.ts';
import { formItems } from './form.ts';

/** The band holding a score: the first whose max is >= the score. */
export function bandOf(bands: readonly QaBand[], score: number | null): string | null {
  if (score === null) return null;
  for (const b of bands) if (score <= b.max) return b.label;
  return null;
}

/** Scores checked answers (see checkAnswers) with the form version they were made on. */
export function scoreAnswers(form: QaFormSpec, answers: QaAnswers): QaScore {
  const items = formItems(form);
  const failed = new Set<CriticalCategory>();
  let common = 1;
  for (const it of items) if (answers[it.id] !== 'na') common = lcm(common, it.max);
  let num = 0n;
  let weights = 0n;
  let applicable = 0;
  for (const it of items) {
    const a = answers[it.id];
    if (a === undefined || a === 'na') continue;
    applicable++;
    num += BigInt(it.weight) * BigInt(a) * BigInt(common / it.max);
    weights += BigInt(it.weight);
    if (it.critical !== null && a === 0) failed.add(it.critical);
  }
  const raw = weights === 0n ? null : Number(roundDiv(10_000n * num, weights * BigInt(common))) / 100;
  const zeroed = raw !== null && failed.size > 0 && form.critical_policy === 'zero_score';
  const score = zeroed ? 0 : raw;
  return {
    score,
    raw_score: raw,
    band: bandOf(form.bands, score),
    failed_critical: CRITICAL_CATEGORIES.filter((c) => failed.has(c)),
    zeroed,
    applicable_items: applicable,
  };
}

/** What critical accuracy and averages need of an evaluation. */
export interface ScoredEvaluation {
  score: number | null;
  failed_critical: readonly CriticalCategory[];
}

/** % of evaluations with no failed critical item of each category; null without evaluations. */
export function criticalAccuracy(evals: readonly ScoredEvaluation[]): CriticalAccuracy {
  const out = {} as CriticalAccuracy;
  for (const c of CRITICAL_CATEGORIES) {
    const ok = evals.filter((e) => !e.failed_critical.includes(c)).length;
    out[c] = pct(ok, evals.length);
  }
  return out;
}

/** Mean of the scores that exist (all-N/A evaluations have none), 2 decimals. */
export function averageScore(evals: readonly ScoredEvaluation[]): number | null {
  let sum = 0n;
  let n = 0;
  for (const e of evals) {
    if (e.score === null) continue;
    sum += toHundredths(e.score);
    n++;
  }
  return n === 0 ? null : ratio(sum, BigInt(n) * 100n);
}

/** One row per month (oldest first) from evaluations tagged with their month. */
export function monthlyTrend(evals: ReadonlyArray<ScoredEvaluation & { month: string }>): AgentMonthResult[] {
  const byMonth = new Map<string, ScoredEvaluation[]>();
  for (const e of evals) {
    let list = byMonth.get(e.month);
    if (!list) byMonth.set(e.month, (list = []));
    list.push(e);
  }
  return [...byMonth.keys()].sort().map((month) => {
    const list = byMonth.get(month) as ScoredEvaluation[];
    return { month, evaluations: list.length, avg_score: averageScore(list), critical_accuracy: criticalAccuracy(list) };
  });
}
