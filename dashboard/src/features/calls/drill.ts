// Drill-down (issue 20): every count and ratio a page shows opens the list of the stints behind
// it (`#/calls?...`, the /api/calls parameters as they are). A count opens its own figure; a
// ratio its numerator and its denominator separately. Pure, so every page builds its links the
// same way and a unit test pins them.
import type { CallFigure } from '@tablero/processor/contract';

export type DrillParams = Record<string, string | readonly string[] | undefined>;

/** The figures a KPI field opens: one for a count, [numerator, denominator] for a ratio. */
export const FIELD_FIGURES: Readonly<Record<string, readonly CallFigure[]>> = {
  offered: ['offered'],
  answered: ['answered'],
  answered_within: ['answered_within'],
  unanswered: ['unanswered'],
  abandoned: ['abandoned'],
  timeout: ['timeout'],
  exit_key: ['exit_key'],
  exit_empty: ['exit_empty'],
  withdrawn: ['withdrawn'],
  failed: ['failed'],
  refused: ['refused'],
  short_abandoned: ['short_abandoned'],
  out_of_hours: ['out_of_hours'],
  sl_pct: ['sl_numerator', 'sl_denominator'],
  abandon_rate_pct: ['abandoned', 'offered'],
  unanswered_rate_pct: ['unanswered', 'offered'],
};

/** The figures a field opens, or none (averages, durations, live states). */
export function figuresOf(field: string): readonly CallFigure[] {
  return Object.hasOwn(FIELD_FIGURES, field) ? (FIELD_FIGURES[field] as readonly CallFigure[]) : [];
}

/** `#/calls?...&figure=F`: undefined and empty values left out, lists repeated. */
export function callsHash(params: DrillParams, figure: CallFigure): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || k === 'figure') continue;
    if (typeof v === 'string') {
      if (v !== '') q.append(k, v);
    } else for (const x of v) q.append(k, x);
  }
  q.set('figure', figure);
  return `#/calls?${q.toString()}`;
}

/** The local calendar day of `ms` in `tz` (YYYY-MM-DD). */
export function localDay(ms: number, tz: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}

/** The day after a YYYY-MM-DD day. */
export function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/**
 * A live figure of today: today's range in the site's zone (from today to tomorrow, `to`
 * exclusive), the queue and the site, so the list counts what the live view counts today.
 */
export function todayParams(site: string, queue: string, tz: string, nowMs: number): DrillParams {
  const from = localDay(nowMs, tz);
  return { from, to: nextDay(from), tz, site, queue };
}
