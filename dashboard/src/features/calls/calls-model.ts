// The calls list page's model (issue 20): the list's query as the URL carries it (the /api/calls
// parameters), the filters the page edits, the download's progress and the times as the user's
// locale writes them in the list's zone. Pure, unit-tested.
import { CALL_ORDERS, type CallOrder, type CallStoryRejection } from '@tablero/processor/contract';
import type { Locale } from '../../lib/format.ts';

/** Rows per page on screen (the API allows up to 1000). */
export const PAGE_SIZE = 50;

/** What the filter form edits; the rest of the query (range, period, definition) is kept as given. */
export interface ListFilters {
  queues: string;
  outcome: string;
  within: '' | 'yes' | 'no';
  agent: string;
  order: CallOrder;
}

/** Parameters that belong to one page, never to the list (the downloads take the whole list). */
const PAGE_ONLY = ['limit', 'cursor'];

export function listParams(query: string): URLSearchParams {
  const p = new URLSearchParams(query);
  for (const k of PAGE_ONLY) p.delete(k);
  return p;
}

export function filtersOf(query: string): ListFilters {
  const p = new URLSearchParams(query);
  const within = p.get('within_t');
  return {
    queues: p.getAll('queue').join(', '),
    outcome: p.get('outcome') ?? '',
    within: within === 'yes' || within === 'no' ? within : '',
    agent: p.get('agent') ?? '',
    order: (CALL_ORDERS as readonly string[]).includes(p.get('order') ?? '') ? (p.get('order') as CallOrder) : 'newest',
  };
}

/** The query with the form's filters in place of the old ones (page parameters dropped). */
export function withFilters(query: string, f: ListFilters): string {
  const p = listParams(query);
  for (const k of ['queue', 'outcome', 'within_t', 'agent', 'order']) p.delete(k);
  for (const q of f.queues.split(',').map((s) => s.trim()).filter((s) => s !== '')) p.append('queue', q);
  if (f.outcome !== '') p.set('outcome', f.outcome);
  if (f.within !== '') p.set('within_t', f.within);
  if (f.agent.trim() !== '') p.set('agent', f.agent.trim());
  if (f.order !== 'newest') p.set('order', f.order);
  return p.toString();
}

/** The API path of one page of the list. */
export function pageUrl(query: string, cursor: string | null, limit = PAGE_SIZE): string {
  const p = listParams(query);
  p.set('limit', String(limit));
  if (cursor !== null) p.set('cursor', cursor);
  return `/api/calls?${p.toString()}`;
}

/** The API path of the whole list as a file, in the user's language (the CSV's separator). */
export function downloadUrl(query: string, kind: 'csv' | 'xlsx', lang: 'es' | 'en'): string {
  const p = listParams(query);
  if (kind === 'csv') p.set('lang', lang);
  return `/api/calls.${kind}?${p.toString()}`;
}

/** The file name of a download: the figure and the range. */
export function downloadName(query: string, kind: 'csv' | 'xlsx'): string {
  const p = new URLSearchParams(query);
  const part = (s: string | null): string => (s ?? '').replace(/[^0-9A-Za-z_-]/g, '');
  return `llamadas-${part(p.get('figure') ?? 'all')}-${part(p.get('period') ?? p.get('from'))}-${part(p.get('to'))}.${kind}`;
}

/** Counts CSV rows as the text arrives: line ends seen so far, the header's not counted. */
export class RowCounter {
  #lines = 0;
  add(text: string): void {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.#lines++;
  }
  get rows(): number {
    return Math.max(0, this.#lines - 1);
  }
}

const whenCache = new Map<string, Intl.DateTimeFormat>();
/** An instant (ISO) as the locale writes a date and time in the list's zone: `3/11/2026, 10:20:05`. */
export function formatWhen(locale: Locale, iso: string, tz: string): string {
  const key = `${locale}|${tz}`;
  let f = whenCache.get(key);
  if (!f) {
    const o: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' };
    try {
      f = new Intl.DateTimeFormat(locale, { ...o, timeZone: tz });
    } catch {
      f = new Intl.DateTimeFormat(locale, { ...o, timeZone: 'UTC' });
    }
    whenCache.set(key, f);
  }
  return f.format(new Date(iso));
}

/** Rejected lines whose time was refused (clock skew notes on a call's story). */
export function skewNotes(rejected: readonly CallStoryRejection[]): CallStoryRejection[] {
  return rejected.filter((r) => /epoch|skew|clock/.test(r.reason));
}

/** The agents of a call, in order of first appearance (queue_log lines, then stints); `NONE` is no agent. */
export function callAgents(events: ReadonlyArray<{ agent: string }>, stints: ReadonlyArray<{ agent: string }>): string[] {
  const out: string[] = [];
  for (const a of [...events, ...stints].map((x) => x.agent)) if (a !== '' && a !== 'NONE' && !out.includes(a)) out.push(a);
  return out;
}
