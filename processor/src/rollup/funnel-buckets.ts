// The call funnel rollup's bucket arithmetic (docs/kpi-definitions.md §13 "How the rollup stays
// exact"), on the generic rollup's quarters (split.ts). Pure: which quarters a stored row may
// change the funnel of, and which rolled quarters a read may take given the queues' T.
import { FUNNEL_MARGIN_S } from '../core/funnel.ts';
import { QUARTER_S, quarterOf } from './split.ts';

/**
 * Marks are written only for quarters that may already be rolled or be rolled soon: those ending
 * at least FUNNEL_MARGIN_S - MARK_SLACK_S before the writer's clock. The sweeper hands the job only
 * quarters ending FUNNEL_MARGIN_S before its own clock (rollableBefore), so live traffic does not
 * re-roll its last 6 hours over and over, and writer and job clocks may differ by up to this much.
 */
export const MARK_SLACK_S = 3600;

/**
 * The quarters to mark dirty around storing rows with these times (CDR leg starts, stint enter
 * times, IVR event times): every quarter a call touched by such a row may start in, which is
 * [t - span, t + span] (a late leg may also move its call's start earlier, out of a later quarter
 * it was rolled in), restricted to quarters that may be rolled by now (MARK_SLACK_S). Sorted, distinct.
 */
export function markQuarters(times: Iterable<number>, nowS: number, spanS = FUNNEL_MARGIN_S): number[] {
  const limit = nowS - spanS + MARK_SLACK_S; // quarters ending after this were never handed to the job
  const seen = new Set<number>();
  for (const t of times) seen.add(quarterOf(t));
  const out = new Set<number>();
  for (const q of seen) {
    for (let x = quarterOf(q - spanS); x <= q + spanS; x += QUARTER_S) {
      if (x + QUARTER_S <= limit) out.add(x);
    }
  }
  return [...out].sort((a, b) => a - b);
}

/** The sweeper hands the job quarters starting before this: ended FUNNEL_MARGIN_S ago, their calls complete unless a late row comes. */
export function rollableBefore(nowS: number, spanS = FUNNEL_MARGIN_S): number {
  return quarterOf(nowS - spanS);
}

/**
 * Whether the queues' T of a quarter's calls is one: no change of the site's definitions (piece
 * start) within the reach of its calls' stints, (q - span, q + quarter + span). Otherwise the
 * quarter is scanned, which judges every stint with the T in force at its own enter time.
 */
export function oneDefinition(q: number, pieceStarts: readonly number[], spanS = FUNNEL_MARGIN_S): boolean {
  return !pieceStarts.some((p) => p > q - spanS && p < q + QUARTER_S + spanS);
}
