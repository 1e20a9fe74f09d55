// The funnel page's figures: funnel rows from /api/funnel checked field by field, the form's
// rules (the server's own, checked before asking), the table's columns and CSV, and a refused
// request in the user's words. Pure.

import { FUNNEL_FIGURES, type FunnelCallRow, type FunnelCallsPage, type FunnelFigure, type FunnelRow } from '@tablero/processor/contract';
import { SITE_ID as SITE } from '../../../shared/kpi-query-limits.ts';
import { ApiError } from '../../lib/api.ts';
import { isNum, isObj } from '../../lib/guards.ts';
import type { Cell } from '../../lib/csv.ts';
import type { MessageKey, MessageParams } from '../../lib/messages.ts';
import { addDays, queueList, refusalText, type Grouping } from '../reports/report-model.ts';
import type { FunnelTextKey } from './texts.ts';

/** The funnel's columns in stage order (the API's count figures); also the CSV columns. */
export const FUNNEL_COLUMNS = FUNNEL_FIGURES;
export type FunnelColumn = FunnelFigure;

/** The server's limits on `service` (dashboard/server/routes/funnel.ts). */
export const MAX_SERVICES = 50;
export const MAX_SERVICE_LENGTH = 64;

export interface FunnelForm {
  /** First day, inclusive. */
  from: string;
  /** Last day, inclusive: the API is asked for the day after. */
  to: string;
  by: Grouping;
  /** Comma-separated service names; empty = every configured service. */
  services: string;
  /** '' = the installation's site. */
  site: string;
}

/** A text of the shell catalog or of the funnel's own, kept as a key so it follows a language switch. */
export type FunnelText = { cat: 'shell'; key: MessageKey; params?: MessageParams; field?: MessageKey } | { cat: 'fun'; key: FunnelTextKey; params?: MessageParams };

export type FunnelField = 'from' | 'to' | 'services' | 'site';

export function funnelFormProblems(f: FunnelForm): Partial<Record<FunnelField, FunnelText>> {
  const out: Partial<Record<FunnelField, FunnelText>> = {};
  if (addDays(f.from, 0) === null) out.from = { cat: 'shell', key: 'report.invalid.date' };
  if (addDays(f.to, 0) === null) out.to = { cat: 'shell', key: 'report.invalid.date' };
  else if (out.from === undefined && f.to < f.from) out.to = { cat: 'shell', key: 'report.invalid.order' };
  const services = queueList(f.services);
  if (services.length > MAX_SERVICES || services.some((s) => s.length > MAX_SERVICE_LENGTH)) out.services = { cat: 'fun', key: 'fun.err.services' };
  if (f.site.trim() !== '' && !SITE.test(f.site.trim())) out.site = { cat: 'shell', key: 'report.invalid.site' };
  return out;
}

/** Query parameters of /api/funnel for a valid form. */
export function funnelParams(f: FunnelForm): Record<string, string | readonly string[] | undefined> {
  return {
    from: f.from,
    to: addDays(f.to, 1) ?? f.to,
    service: queueList(f.services),
    by: f.by,
    site: f.site.trim() === '' ? undefined : f.site.trim(),
  };
}

export function isFunnelRow(v: unknown): v is FunnelRow {
  if (!isObj(v) || typeof v.service !== 'string' || typeof v.period !== 'string') return false;
  if (!FUNNEL_COLUMNS.every((k) => isNum(v[k]))) return false;
  if (!Array.isArray(v.by_option) || !v.by_option.every((o) => isObj(o) && typeof o.option === 'string' && isNum(o.calls))) return false;
  const d = v.definition;
  return isObj(d) && typeof d.tz === 'string' && typeof d.ivr_source === 'string' && Array.isArray(d.contexts) && Array.isArray(d.dids) && Array.isArray(d.thresholds);
}

export function funnelRows(v: unknown): FunnelRow[] {
  return Array.isArray(v) ? v.filter(isFunnelRow) : [];
}

export function funnelCsvRows(rows: readonly FunnelRow[]): Cell[][] {
  return rows.map((r) => [r.service, r.period, ...FUNNEL_COLUMNS.map((c) => r[c]), r.definition.ivr_source, r.definition.tz]);
}

/** Per service: its newest row's definition, whether any row spans a change, and its calls per IVR option over the range. */
export function serviceSummaries(rows: readonly FunnelRow[]): Array<{ service: string; definition: FunnelRow['definition']; spans_change: boolean; options: Array<{ option: string; calls: number }> }> {
  const out = new Map<string, { service: string; definition: FunnelRow['definition']; spans_change: boolean; options: Map<string, number> }>();
  for (const r of rows) {
    const prev = out.get(r.service);
    const options = prev?.options ?? new Map<string, number>();
    for (const o of r.by_option) options.set(o.option, (options.get(o.option) ?? 0) + o.calls);
    out.set(r.service, { service: r.service, definition: r.definition, spans_change: (prev?.spans_change ?? false) || r.definition.spans_change, options });
  }
  return [...out.values()].map((s) => ({
    ...s,
    options: [...s.options].map(([option, calls]) => ({ option, calls })).sort((a, b) => (a.option < b.option ? -1 : a.option > b.option ? 1 : 0)),
  }));
}

/** A refused funnel request in the user's words: the funnel's own refusals, else the Reports page's. */
export function funnelRefusal(err: unknown): FunnelText {
  if (err instanceof ApiError) {
    if (err.code === 'TABLERO_ERR_FUNNEL_UNAVAILABLE') return { cat: 'fun', key: 'fun.err.unavailable' };
    if (err.code === 'TABLERO_ERR_FUNNEL') return { cat: 'fun', key: 'fun.err.failed' };
    if (err.code === 'TABLERO_ERR_BAD_QUERY' && err.message.startsWith('bad query parameter service: ')) {
      const m = /no service '(.*)' is configured for site (\S+)$/.exec(err.message);
      return m ? { cat: 'fun', key: 'fun.err.service', params: { service: m[1] ?? '', site: m[2] ?? '' } } : { cat: 'fun', key: 'fun.err.services' };
    }
  }
  return { cat: 'shell', ...refusalText(err) };
}

/** One page of a figure's calls (GET /api/funnel/calls). */
export const FUNNEL_CALLS_PAGE = 100;

/** Which figure of which row is listed, and from which call on. */
export interface FunnelCallsPick {
  service: string;
  period: string;
  figure: FunnelFigure;
  offset: number;
}

/** Query parameters of /api/funnel/calls: the shown funnel's range, by and site, plus the cell. */
export function funnelCallsParams(f: FunnelForm, pick: FunnelCallsPick): Record<string, string | undefined> {
  const { from, to, by, site } = funnelParams(f);
  return { from, to, by, site, service: pick.service, period: pick.period, figure: pick.figure, limit: String(FUNNEL_CALLS_PAGE), offset: String(pick.offset) } as Record<string, string | undefined>;
}

const isCallRow = (v: unknown): v is FunnelCallRow =>
  isObj(v) && typeof v.call_key === 'string' && typeof v.start === 'string' && typeof v.option === 'string' && typeof v.src === 'string' &&
  typeof v.answer_queue === 'string' && typeof v.last_outcome === 'string' && Array.isArray(v.uniqueids) && v.uniqueids.every((u) => typeof u === 'string');

/** The answer checked field by field; null when it is not a page of funnel calls. */
export function funnelCallsPage(v: unknown): FunnelCallsPage | null {
  if (!isObj(v) || !isNum(v.total) || !Array.isArray(v.rows) || !isObj(v.definition) || typeof v.definition.site !== 'string') return null;
  return { ...(v as unknown as FunnelCallsPage), rows: v.rows.filter(isCallRow) };
}
