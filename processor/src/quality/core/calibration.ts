// Calibration statistics (kpi-definitions §9). Pure. Scores carry 2 decimals, so deviations and
// means are computed in integer hundredths and rounded once; Fleiss' kappa is an exact fraction.
//   deviation = score - reference score, or score - mean of the other analysts (consensus);
//   within tolerance = |deviation| <= tolerance; spread = max - min; std dev = population σ.
import {
  type AnalystDeviation,
  type AnalystHistory,
  type CalibrationSession,
  type CalibrationStats,
  type ItemAgreement,
  type Leniency,
  type QaAnswers,
  type QaAnswerValue,
  type QaFormSpec,
  DEFAULT_TOLERANCE,
} from '../contract.ts';
import { pct, ratio, roundDiv, toHundredths } from '../../core/rounding.ts';
import { formItems, sameAnswer } from './form.ts';

export interface Submission {
  analyst: string;
  score: number | null;
  /** The score before a failed critical item zeroed it (equal to `score` otherwise). */
  raw_score: number | null;
  zeroed: boolean;
  answers: QaAnswers;
}

/**
 * Fleiss' kappa of a subjects x categories table of counts (every subject rated by the same
 * number of raters), rounded to 3 decimals. Null when it is undefined: fewer than two raters,
 * no subjects, or every rating in one category (chance agreement is 1).
 */
export function fleissKappa(counts: ReadonlyArray<readonly number[]>): number | null {
  const N = counts.length;
  if (N === 0) return null;
  const n = (counts[0] as readonly number[]).reduce((a, b) => a + b, 0);
  if (n < 2) return null;
  const k = (counts[0] as readonly number[]).length;
  const col = new Array<bigint>(k).fill(0n);
  let sumSq = 0n;
  for (const row of counts) {
    if (row.length !== k || row.reduce((a, b) => a + b, 0) !== n) throw new RangeError('every subject needs the same raters and categories');
    row.forEach((c, j) => {
      sumSq += BigInt(c) * BigInt(c);
      col[j] = (col[j] as bigint) + BigInt(c);
    });
  }
  const Nn = BigInt(N) * BigInt(n);
  // P̄ = A / B, Pe = C / D, kappa = (P̄ - Pe) / (1 - Pe) = (A·D - C·B) / (B·(D - C)).
  const A = sumSq - Nn;
  const B = Nn * BigInt(n - 1);
  const C = col.reduce((s, c) => s + c * c, 0n);
  const D = Nn * Nn;
  if (D === C) return null;
  return Number(roundDiv(1000n * (A * D - C * B), B * (D - C))) / 1000;
}

/** Category key of an answer for kappa: points and N/A are distinct categories. */
function category(a: QaAnswerValue): string {
  return a === 'na' ? 'na' : `p${a}`;
}

/** The table fleissKappa reads: one row per item, one column per answer seen in the session. */
export function answerTable(form: Pick<QaFormSpec, 'sections'>, subs: readonly Submission[]): number[][] {
  const items = formItems(form);
  const cats = new Set<string>();
  for (const s of subs) for (const it of items) {
    const a = s.answers[it.id];
    if (a !== undefined) cats.add(category(a));
  }
  const columns = [...cats].sort();
  return items.map((it) =>
    columns.map((c) => subs.filter((s) => {
      const a = s.answers[it.id];
      return a !== undefined && category(a) === c;
    }).length),
  );
}

function stdDev(scores: readonly bigint[]): number | null {
  if (scores.length === 0) return null;
  const k = BigInt(scores.length);
  const sum = scores.reduce((a, b) => a + b, 0n);
  const sumSq = scores.reduce((a, b) => a + b * b, 0n);
  // Variance in hundredths² as an exact fraction; only the square root is floating point.
  const varNum = k * sumSq - sum * sum;
  const sd = Math.sqrt(Number(varNum) / Number(k * k)) / 100;
  return Math.round(sd * 100 + Number.EPSILON) / 100;
}

/** The session's statistics over the submissions so far (kpi-definitions §9). */
export function calibrationStats(
  session: Pick<CalibrationSession, 'reference' | 'tolerance'>,
  form: Pick<QaFormSpec, 'sections'>,
  subs: readonly Submission[],
): CalibrationStats {
  const items = formItems(form);
  const tol = toHundredths(session.tolerance);
  const refName = session.reference.kind === 'analyst' ? session.reference.analyst : null;
  const ref = refName === null ? null : (subs.find((s) => s.analyst === refName) ?? null);
  const refScore = ref?.score ?? null;
  const sorted = [...subs].sort((a, b) => a.analyst.localeCompare(b.analyst));
  const scored = sorted.filter((s) => s.score !== null);

  const analysts: AnalystDeviation[] = sorted.map((s) => {
    const isRef = refName !== null && s.analyst === refName;
    let deviation: bigint | null = null;
    let agreement: number | null = null;
    if (refName !== null) {
      if (!isRef && ref !== null) {
        if (s.score !== null && refScore !== null) deviation = toHundredths(s.score) - toHundredths(refScore);
        agreement = pct(items.filter((it) => sameAnswer(s.answers[it.id], ref.answers[it.id])).length, items.length);
      }
    } else {
      const others = sorted.filter((o) => o !== s);
      const otherScores = others.filter((o) => o.score !== null).map((o) => toHundredths(o.score as number));
      if (s.score !== null && otherScores.length > 0) {
        const k = BigInt(otherScores.length);
        deviation = roundDiv(toHundredths(s.score) * k - otherScores.reduce((a, b) => a + b, 0n), k);
      }
      if (others.length > 0) {
        let same = 0;
        for (const it of items) same += others.filter((o) => sameAnswer(s.answers[it.id], o.answers[it.id])).length;
        agreement = pct(same, items.length * others.length);
      }
    }
    return {
      analyst: s.analyst,
      score: s.score,
      raw_score: s.raw_score,
      zeroed: s.zeroed,
      deviation: deviation === null ? null : Number(deviation) / 100,
      within_tolerance: deviation === null ? null : (deviation < 0n ? -deviation : deviation) <= tol,
      item_agreement_pct: agreement,
      is_reference: isRef,
    };
  });

  const itemRows: ItemAgreement[] = items.map((it) => {
    const answers: Record<string, QaAnswerValue> = {};
    for (const s of sorted) {
      const a = s.answers[it.id];
      if (a !== undefined) answers[s.analyst] = a;
    }
    const values = Object.values(answers);
    const unanimous = values.length > 0 && values.every((v) => v === values[0]);
    let agreement: number | null = null;
    const refAnswer = ref?.answers[it.id] ?? null;
    if (refName !== null) {
      const others = sorted.filter((s) => s.analyst !== refName);
      if (ref !== null && others.length > 0) {
        agreement = pct(others.filter((s) => sameAnswer(s.answers[it.id], refAnswer ?? undefined)).length, others.length);
      }
    } else if (values.length >= 2) {
      const counts = new Map<string, number>();
      for (const v of values) counts.set(category(v), (counts.get(category(v)) ?? 0) + 1);
      let agreeingPairs = 0;
      for (const c of counts.values()) agreeingPairs += (c * (c - 1)) / 2;
      agreement = pct(agreeingPairs, (values.length * (values.length - 1)) / 2);
    }
    return { item_id: it.id, label: it.label, reference: refAnswer, answers, agreement_pct: agreement, unanimous };
  });

  const hundredths = scored.map((s) => toHundredths(s.score as number));
  const spread = hundredths.length === 0 ? null : Number(hundredths.reduce((a, b) => (a > b ? a : b)) - hundredths.reduce((a, b) => (a < b ? a : b))) / 100;
  return {
    submitted: subs.length,
    reference_score: refScore,
    analysts,
    items: itemRows,
    spread,
    std_dev: stdDev(hundredths),
    fleiss_kappa: subs.length >= 2 ? fleissKappa(answerTable(form, sorted)) : null,
  };
}

/** A viewer sees the statistics once they submitted or the deadline passed; coordinators always. */
export function revealAllowed(p: { submitted: boolean; deadlinePassed: boolean; coordinator: boolean }): boolean {
  return p.submitted || p.deadlinePassed || p.coordinator;
}

/** Mean deviation beyond this many points (either way) marks an analyst lenient or severe. */
export const LENIENCY_BAND = DEFAULT_TOLERANCE / 2;

/** Each analyst's mean deviation over sessions (leniency / severity), sorted by analyst. */
export function analystHistory(
  rows: ReadonlyArray<{ analyst: string; deviation: number | null; within_tolerance: boolean | null }>,
  band = LENIENCY_BAND,
): AnalystHistory[] {
  const by = new Map<string, { devs: bigint[]; within: number }>();
  for (const r of rows) {
    if (r.deviation === null) continue;
    let e = by.get(r.analyst);
    if (!e) by.set(r.analyst, (e = { devs: [], within: 0 }));
    e.devs.push(toHundredths(r.deviation));
    if (r.within_tolerance) e.within++;
  }
  const bandH = toHundredths(band);
  return [...by.keys()].sort().map((analyst) => {
    const e = by.get(analyst) as { devs: bigint[]; within: number };
    const sum = e.devs.reduce((a, b) => a + b, 0n);
    const n = BigInt(e.devs.length);
    const meanH = roundDiv(sum, n);
    const leniency: Leniency = meanH > bandH ? 'lenient' : meanH < -bandH ? 'severe' : 'aligned';
    return {
      analyst,
      sessions: e.devs.length,
      mean_deviation: ratio(sum, n * 100n),
      within_tolerance_pct: pct(e.within, e.devs.length),
      leniency,
    };
  });
}
