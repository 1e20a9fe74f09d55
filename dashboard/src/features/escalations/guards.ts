// Shape checks for escalation JSON from the server (REST and /ws/live). Defensive like the rest
// of the live layer: a TV runs for weeks against servers that get upgraded under it.
import type { EscalationMonthly, EscalationOverdueAlert, EscalationTicket, EscalationsSnapshot } from '@tablero/processor/contract';
import { AGE_BUCKETS } from '@tablero/processor/contract';
import { isNum, isObj } from '../../lib/guards.ts';

function isCounts(v: unknown): boolean {
  if (!isObj(v) || !isNum(v.open) || !isNum(v.overdue) || !isNum(v.due_soon) || !isObj(v.buckets)) return false;
  const b = v.buckets;
  return AGE_BUCKETS.every((k) => isNum(b[k]));
}

export function isEscalationTicket(v: unknown): v is EscalationTicket {
  return (
    isObj(v) &&
    typeof v.site === 'string' &&
    typeof v.ticket_id === 'string' &&
    typeof v.ticket_type === 'string' &&
    typeof v.area === 'string' &&
    (v.status === 'open' || v.status === 'closed') &&
    isNum(v.opened_at) &&
    typeof v.due_date === 'string' &&
    isNum(v.due_at) &&
    isNum(v.age_days) &&
    isNum(v.days_late) &&
    (v.days_left === null || isNum(v.days_left)) &&
    typeof v.overdue === 'boolean' &&
    typeof v.due_soon === 'boolean'
  );
}

export function isEscalationsSnapshot(v: unknown): v is EscalationsSnapshot {
  return (
    isObj(v) &&
    v.type === 'escalations' &&
    typeof v.site === 'string' &&
    isNum(v.at_ms) &&
    typeof v.tz === 'string' &&
    isCounts(v.totals) &&
    Array.isArray(v.by_area) &&
    v.by_area.every((a) => isCounts(a) && isObj(a) && typeof a.area === 'string') &&
    Array.isArray(v.overdue_list) &&
    v.overdue_list.every(isEscalationTicket) &&
    Array.isArray(v.due_soon_list) &&
    v.due_soon_list.every(isEscalationTicket)
  );
}

export function isEscalationOverdueAlert(v: unknown): v is EscalationOverdueAlert {
  return isObj(v) && v.type === 'escalation_overdue' && typeof v.site === 'string' && typeof v.ticket_id === 'string' && typeof v.area === 'string' && isNum(v.due_at) && isNum(v.at_ms);
}

export interface TimelineEvent {
  action: string;
  ts: number;
  area: string;
  ticket_type: string;
  source: string;
  note: string;
}

export function parseTicketDetail(v: unknown): { ticket: EscalationTicket; events: TimelineEvent[] } | null {
  if (!isObj(v) || !isEscalationTicket(v.ticket) || !Array.isArray(v.events)) return null;
  const events: TimelineEvent[] = [];
  for (const e of v.events) {
    if (!isObj(e) || typeof e.action !== 'string' || !isNum(e.ts)) return null;
    const s = (k: string): string => (typeof e[k] === 'string' ? (e[k] as string) : '');
    events.push({ action: e.action, ts: e.ts, area: s('area'), ticket_type: s('ticket_type'), source: s('source'), note: s('note') });
  }
  return { ticket: v.ticket, events };
}

export function isEscalationMonthly(v: unknown): v is EscalationMonthly {
  const isRow = (r: unknown): boolean => isObj(r) && typeof r.area === 'string' && typeof r.ticket_type === 'string' && isNum(r.closed) && isNum(r.closed_on_time);
  return isObj(v) && typeof v.month === 'string' && Array.isArray(v.rows) && v.rows.every(isRow) && isRow(v.total) && isNum(v.open_overdue_at_month_end);
}

export function parseSites(v: unknown): { default_site: string; sites: string[] } | null {
  if (!isObj(v) || typeof v.default_site !== 'string' || !Array.isArray(v.sites) || !v.sites.every((s) => typeof s === 'string')) return null;
  return { default_site: v.default_site, sites: v.sites as string[] };
}

/** The tickets of a call (GET /api/escalations/by-call). */
export function isTicketList(v: unknown): v is EscalationTicket[] {
  return Array.isArray(v) && v.every(isEscalationTicket);
}
