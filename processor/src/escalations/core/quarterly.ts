// The quarterly complaints (PQRSD) report for the Superintendencia Financiera (issue 17,
// docs/kpi-definitions.md §8.2): a site's tickets of a calendar quarter consolidated by type,
// channel and area, with the Formato 379 columns (pending from previous periods, received,
// subtotal, resolved, still in process), the on-time rate and the average business days to
// answer under the site's legal calendar and terms, and each ticket's status at the quarter's end.
// Pure: events, settings, calendars come in as data.
import { createHash } from 'node:crypto';
import type { TicketEvent } from '@tablero/ingest/contract';
import { localToEpoch } from '../../core/calendar.ts';
import { ratio, pct } from '../../core/rounding.ts';
import type { EscalationLegalCalendar, EscalationTicket } from '../../contract.ts';
import { isoDate } from '../holidays/easter.ts';
import { ageState, foldAll, type EscalationModel } from './model.ts';

export class QuarterError extends Error {
  override name = 'QuarterError';
}

export interface Quarter {
  year: number;
  /** 1..4 */
  q: number;
}

export function parseQuarter(text: string): Quarter | null {
  const m = /^(\d{4})-Q([1-4])$/.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  if (year < 2000 || year > 2099) return null;
  return { year, q: Number(m[2]) };
}

export function quarterKey(q: Quarter): string {
  return `${q.year}-Q${q.q}`;
}

/** [start, end) epoch seconds of a quarter (`YYYY-Qn`) in `tz`. */
export function quarterBounds(quarter: string, tz: string): [number, number] {
  const q = parseQuarter(quarter);
  if (!q) throw new QuarterError(`quarter must be YYYY-Qn (n 1 to 4): ${quarter}`);
  const firstMonth = 3 * (q.q - 1) + 1;
  const start = localToEpoch(q.year, firstMonth, 1, 0, 0, tz);
  const end = q.q === 4 ? localToEpoch(q.year + 1, 1, 1, 0, 0, tz) : localToEpoch(q.year, firstMonth + 3, 1, 0, 0, tz);
  return [start, end];
}

/** The months of a quarter, `YYYY-MM`. */
export function quarterMonths(quarter: string): string[] {
  const q = parseQuarter(quarter);
  if (!q) throw new QuarterError(`quarter must be YYYY-Qn (n 1 to 4): ${quarter}`);
  return [0, 1, 2].map((i) => `${q.year}-${String(3 * (q.q - 1) + 1 + i).padStart(2, '0')}`);
}

/** A ticket's status at the quarter's end. */
export const QUARTER_STATUSES = ['closed_on_time', 'closed_late', 'open_in_term', 'open_overdue'] as const;
export type QuarterStatus = (typeof QUARTER_STATUSES)[number];

export interface QuarterlyRow {
  /** The type, channel or area ('' = not stated); '' on the total row. */
  key: string;
  /** (1) Opened before the quarter and not closed at its start (or reopened during it). */
  pending_previous: number;
  /** (2) Opened (filed) in the quarter. */
  received: number;
  /** (3) = (1) + (2). */
  subtotal: number;
  /** (6) Closed at the quarter's end, their closing inside the quarter. */
  resolved: number;
  resolved_on_time: number;
  resolved_late: number;
  /** resolved_on_time / resolved x 100, 2 decimals; null when none was resolved. */
  on_time_pct: number | null;
  /** Mean business days from receipt to the first answer (or the closing) of the resolved ones. */
  avg_days_to_answer: number | null;
  /** (7) = (3) - (6): open at the quarter's end. */
  in_process: number;
  /** Of those, past their due day at the quarter's end. */
  in_process_overdue: number;
}

export interface QuarterlyTicket {
  ticket_id: string;
  ticket_type: string;
  channel: string;
  area: string;
  opened_at: number;
  receipt_date: string;
  term_days: number;
  due_date: string;
  pending_previous: boolean;
  status: QuarterStatus;
  answered_at: number | null;
  closed_at: number | null;
  /** Business days to the first answer (or closing); for an open ticket with no answer, null. */
  days_to_answer: number | null;
  /** Business days past the due day (at the closing, or at the quarter's end when open). */
  days_late: number;
}

export interface QuarterlyFingerprint {
  /** `<events>-<16 hex>`: the distinct ticket events of the site before the quarter's end. */
  value: string;
  events: number;
  scheme: 1;
}

export interface QuarterlyComplaints {
  site: string;
  quarter: string;
  tz: string;
  /** First and last local day of the quarter. */
  first_day: string;
  last_day: string;
  terms: Record<string, number>;
  by_type: QuarterlyRow[];
  by_channel: QuarterlyRow[];
  by_area: QuarterlyRow[];
  total: QuarterlyRow;
  by_status: Array<{ status: QuarterStatus; tickets: number }>;
  tickets: QuarterlyTicket[];
  calendar: EscalationLegalCalendar;
  fingerprint: QuarterlyFingerprint;
}

/** Distinct events (by id) of a site before `endS`, hashed in id order: changes when one is added, removed or changed. */
export function ticketFingerprint(events: readonly TicketEvent[]): QuarterlyFingerprint {
  const byId = new Map<string, TicketEvent>();
  for (const e of events) byId.set(e.event_id, e);
  const h = createHash('sha256');
  for (const id of [...byId.keys()].sort()) {
    const e = byId.get(id) as TicketEvent;
    h.update(`${id}\u0000${e.ts}\u0000${e.action}\u0000${e.ticket_id}\u0000${e.ticket_type}\u0000${e.channel}\u0000${e.area}\n`);
  }
  return { value: `${byId.size}-${h.digest('hex').slice(0, 16)}`, events: byId.size, scheme: 1 };
}

interface Acc {
  pending: number;
  received: number;
  resolved: number;
  onTime: number;
  answerSum: number;
  answerN: number;
  overdue: number;
}
const newAcc = (): Acc => ({ pending: 0, received: 0, resolved: 0, onTime: 0, answerSum: 0, answerN: 0, overdue: 0 });

function rowOf(key: string, a: Acc): QuarterlyRow {
  const subtotal = a.pending + a.received;
  return {
    key,
    pending_previous: a.pending,
    received: a.received,
    subtotal,
    resolved: a.resolved,
    resolved_on_time: a.onTime,
    resolved_late: a.resolved - a.onTime,
    on_time_pct: pct(a.onTime, a.resolved),
    avg_days_to_answer: ratio(a.answerSum, a.answerN),
    in_process: subtotal - a.resolved,
    in_process_overdue: a.overdue,
  };
}

function add(a: Acc, t: QuarterlyTicket): void {
  if (t.pending_previous) a.pending += 1;
  else a.received += 1;
  if (t.status === 'closed_on_time' || t.status === 'closed_late') {
    a.resolved += 1;
    if (t.status === 'closed_on_time') a.onTime += 1;
    if (t.days_to_answer !== null) {
      a.answerSum += t.days_to_answer;
      a.answerN += 1;
    }
  } else if (t.status === 'open_overdue') a.overdue += 1;
}

const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function grouped(tickets: readonly QuarterlyTicket[], keyOf: (t: QuarterlyTicket) => string): QuarterlyRow[] {
  const groups = new Map<string, Acc>();
  for (const t of tickets) {
    const k = keyOf(t);
    let a = groups.get(k);
    if (!a) groups.set(k, (a = newAcc()));
    add(a, t);
  }
  return [...groups].sort((x, y) => byKey(x[0], y[0])).map(([k, a]) => rowOf(k, a));
}

function quarterTicket(t: EscalationTicket, pendingPrevious: boolean, resolved: boolean): QuarterlyTicket {
  const status: QuarterStatus = resolved ? (t.on_time ? 'closed_on_time' : 'closed_late') : t.overdue ? 'open_overdue' : 'open_in_term';
  return {
    ticket_id: t.ticket_id,
    ticket_type: t.ticket_type,
    channel: t.channel,
    area: t.area,
    opened_at: t.opened_at,
    receipt_date: t.receipt_date,
    term_days: t.term_days,
    due_date: t.due_date,
    pending_previous: pendingPrevious,
    status,
    answered_at: t.answered_at,
    closed_at: t.closed_at,
    days_to_answer: t.days_to_answer,
    days_late: t.days_late,
  };
}

/**
 * The quarter of one site. Each ticket is folded from its events before the quarter's end (a
 * later reopen never changes a past quarter) and aged at its closing (resolved) or at the
 * quarter's last instant (in process). Tickets closed before the quarter and not reopened in it
 * are not part of it.
 */
export function siteQuarterly(model: EscalationModel, site: string, quarter: string, events: readonly TicketEvent[]): QuarterlyComplaints {
  const tz = model.tz(site);
  const [start, end] = quarterBounds(quarter, tz);
  const siteEvents = events.filter((e) => e.site === site && e.ts < end);
  const tickets: QuarterlyTicket[] = [];
  for (const st of foldAll(siteEvents)) {
    if (st.closed_at !== null && st.closed_at < start) continue;
    const pendingPrevious = st.opened_at < start;
    const resolved = st.closed_at !== null;
    tickets.push(quarterTicket(ageState(model, st, resolved ? (st.closed_at as number) : end - 1), pendingPrevious, resolved));
  }
  tickets.sort((a, b) => a.opened_at - b.opened_at || byKey(a.ticket_id, b.ticket_id));
  const total = newAcc();
  for (const t of tickets) add(total, t);
  const cal = model.calendar(site);
  const firstDay = isoDate(cal.dayOf(start));
  const lastDay = isoDate(cal.dayOf(end - 1));
  // The holidays the figures applied: from the earliest receipt to the latest due day or quarter end.
  const from = tickets.reduce((m, t) => (t.receipt_date < m ? t.receipt_date : m), firstDay);
  const to = tickets.reduce((m, t) => (t.due_date > m ? t.due_date : m), lastDay);
  return {
    site,
    quarter,
    tz,
    first_day: firstDay,
    last_day: lastDay,
    terms: { ...model.settings(site).terms },
    by_type: grouped(tickets, (t) => t.ticket_type),
    by_channel: grouped(tickets, (t) => t.channel),
    by_area: grouped(tickets, (t) => t.area),
    total: rowOf('', total),
    by_status: QUARTER_STATUSES.map((status) => ({ status, tickets: tickets.filter((t) => t.status === status).length })),
    tickets,
    calendar: model.legalCalendar(site, from, to),
    fingerprint: ticketFingerprint(siteEvents),
  };
}
