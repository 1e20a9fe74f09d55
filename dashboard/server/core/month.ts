// One rule for every `month=YYYY-MM` the API takes (exports, month closing, escalations, QA):
// a real month of a plausible year. Data before 2000 is rejected at ingest (kpi-definitions §11),
// and 9999-12 or 0000-01 would build a report of nothing, or fail deep in a query. Pure.

export const MIN_MONTH_YEAR = 2000;
export const MAX_MONTH_YEAR = 2099;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The reason `text` is not a month the API takes, or null when it is one. */
export function monthProblem(text: string): string | null {
  const m = MONTH.exec(text);
  if (!m) return 'must be YYYY-MM';
  const year = Number(m[1]);
  if (year < MIN_MONTH_YEAR || year > MAX_MONTH_YEAR) return `must be a month of the years ${MIN_MONTH_YEAR} to ${MAX_MONTH_YEAR}`;
  return null;
}
