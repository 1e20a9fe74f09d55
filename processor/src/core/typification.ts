// Typification and first-contact resolution settings and arithmetic (docs/kpi-definitions.md §14).
// Pure: the counting is one query (store/queries/fcr.sql); this file validates what it is given
// (TABLERO_TYPIFICATION) and turns its integer sums into rows.
import type { FcrRow, KpiGrouping, TypificationDefinition } from '../contract.ts';
import { periodOfKey, type Parsed } from './funnel.ts';
import { pct } from './rounding.ts';

export type TypificationSettings = TypificationDefinition;

export const DEFAULT_TYPIFICATION: TypificationSettings = {
  verb: 'tipificacion',
  category_field: 1,
  result_field: 2,
  resolved: ['resuelto', 'resuelta', 'resolved'],
  escalated: ['escalado', 'escalada', 'escalated'],
  repeat_window_days: 7,
};

export function parseTypificationSettings(input: unknown): Parsed<TypificationSettings> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, errors: ['must be an object'] };
  const o = input as Record<string, unknown>;
  const errors: string[] = [];
  const out: TypificationSettings = { ...DEFAULT_TYPIFICATION };
  for (const k of Object.keys(o)) if (!(k in DEFAULT_TYPIFICATION)) errors.push(`${k}: unknown setting`);
  if (o.verb !== undefined) {
    if (typeof o.verb !== 'string' || !/^[A-Za-z0-9_]{1,64}$/.test(o.verb)) errors.push('verb: letters, digits and _');
    else out.verb = o.verb;
  }
  for (const k of ['category_field', 'result_field'] as const) {
    if (o[k] === undefined) continue;
    const v = o[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 20) errors.push(`${k}: a data field number from 1 to 20`);
    else out[k] = v;
  }
  for (const k of ['resolved', 'escalated'] as const) {
    if (o[k] === undefined) continue;
    const v = o[k];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) errors.push(`${k}: a list of result values`);
    else out[k] = (v as string[]).map((x) => x.toLowerCase());
  }
  if (out.resolved.some((x) => out.escalated.includes(x))) errors.push('resolved and escalated share a value');
  if (o.repeat_window_days !== undefined) {
    const v = o.repeat_window_days;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 90) errors.push('repeat_window_days: whole days from 1 to 90');
    else out.repeat_window_days = v;
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: out };
}

/** Integer sums of one queue, period and category (one query row). */
export interface FcrSums {
  queue: string;
  k: number;
  /** '' = not typified. */
  category: string;
  answered: number;
  typified: number;
  declared_resolved: number;
  declared_escalated: number;
  eligible: number;
  repeat_calls: number;
  with_ticket: number;
  /** Newest answered enter time (epoch s) of the group. */
  newest_s: number;
}

const SUM_KEYS = ['answered', 'typified', 'declared_resolved', 'declared_escalated', 'eligible', 'repeat_calls', 'with_ticket'] as const;

export function fcrRows(sums: readonly FcrSums[], o: { by: KpiGrouping; nowS: number; definition: Omit<FcrRow['definition'], 'window_complete'> }): FcrRow[] {
  const acc = new Map<string, { row: Omit<FcrRow, 'definition' | 'declared_fcr_pct' | 'measured_fcr_pct' | 'repeat_rate_pct' | 'measured_resolved'>; newest: number }>();
  for (const s of sums) {
    const period = periodOfKey(s.k, o.by);
    const key = `${s.queue}\0${period}`;
    let a = acc.get(key);
    if (!a) {
      a = { row: { queue: s.queue, period, answered: 0, typified: 0, by_category: [], declared_resolved: 0, declared_escalated: 0, eligible: 0, repeat_calls: 0, with_ticket: 0 }, newest: 0 };
      acc.set(key, a);
    }
    const r = a.row;
    for (const k of SUM_KEYS) r[k] += s[k];
    if (s.category !== '') r.by_category.push({ category: s.category, calls: s.typified });
    a.newest = Math.max(a.newest, s.newest_s);
  }
  const cmp = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  return [...acc.values()]
    .map(({ row, newest }) => {
      const measured = row.eligible - row.repeat_calls - row.with_ticket;
      return {
        ...row,
        by_category: row.by_category.sort((x, y) => cmp(x.category, y.category)),
        declared_fcr_pct: pct(row.declared_resolved, row.typified),
        measured_resolved: measured,
        measured_fcr_pct: pct(measured, row.eligible),
        repeat_rate_pct: pct(row.repeat_calls, row.eligible),
        definition: { ...o.definition, window_complete: newest + o.definition.repeat_window_days * 86_400 <= o.nowS },
      };
    })
    .sort((x, y) => cmp(x.queue, y.queue) || cmp(x.period, y.period));
}
