// The audit page's data: the query string of its filters and the entries the server answers.
import { AUDIT_ACTIONS, AUDIT_ACTION_NAMES, isAuditAction } from '../../../shared/audit.ts';
import { queryString } from '../../lib/api.ts';

export interface AuditFilters {
  from: string;
  to: string;
  actor: string;
  action: string;
  target: string;
}

export interface AuditEntryView {
  id: string;
  at_ms: number;
  actor: string;
  action: string;
  target: string;
  address: string;
  before: string;
  after: string;
  other: string;
}

export interface AuditPage {
  total: number;
  page: number;
  size: number;
  tz: string;
  rows: AuditEntryView[];
}

export const PAGE_SIZE = 50;

/** `?from=...&to=...&actor=...` with empty filters left out (and page/size when given). */
export function auditQuery(f: AuditFilters, extra: Record<string, string | number> = {}): string {
  const clean = (s: string): string | undefined => (s.trim() === '' ? undefined : s.trim());
  return queryString({ from: clean(f.from), to: clean(f.to), actor: clean(f.actor), action: clean(f.action), target: clean(f.target), ...extra });
}

const json = (v: unknown): string => (v === undefined || v === null ? '' : JSON.stringify(v));

/** The server's answer as the page shows it; throws on a shape it does not know. */
export function parseAuditPage(v: unknown): AuditPage {
  const o = v as Partial<AuditPage> & { rows?: unknown };
  if (typeof o !== 'object' || o === null || !Array.isArray(o.rows) || typeof o.total !== 'number') throw new TypeError('not an audit page');
  return {
    total: o.total,
    page: Number(o.page ?? 1),
    size: Number(o.size ?? PAGE_SIZE),
    tz: typeof o.tz === 'string' ? o.tz : 'UTC',
    rows: (o.rows as unknown[]).map((x) => {
      const r = x as Record<string, unknown>;
      const { before, after, ...rest } = (r['detail'] ?? {}) as Record<string, unknown>;
      return {
        id: String(r['id'] ?? ''),
        at_ms: Number(r['at_ms']),
        actor: String(r['actor'] ?? ''),
        action: String(r['action'] ?? ''),
        target: String(r['target'] ?? ''),
        address: String(r['address'] ?? ''),
        before: json(before),
        after: json(after),
        other: Object.keys(rest).length ? JSON.stringify(rest) : '',
      };
    }),
  };
}

export function pagesOf(p: Pick<AuditPage, 'total' | 'size'>): number {
  return Math.max(1, Math.ceil(p.total / p.size));
}

export function actionName(action: string, lang: 'es' | 'en'): string {
  return isAuditAction(action) ? AUDIT_ACTION_NAMES[lang][action] : action;
}

/** The actions for the filter, by their name in the page's language. */
export function actionChoices(lang: 'es' | 'en'): Array<{ value: string; label: string }> {
  return AUDIT_ACTIONS.map((a) => ({ value: a as string, label: AUDIT_ACTION_NAMES[lang][a] })).sort((x, y) => x.label.localeCompare(y.label, lang));
}
