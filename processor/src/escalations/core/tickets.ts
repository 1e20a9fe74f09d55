// A ticket's state from its events, and its aging at an instant (kpi-definitions §8). Pure.
//
// Events may arrive in any order and more than once: the state is always folded again from the
// ticket's distinct events sorted by (time, lifecycle order, id), so the result depends only on
// the set of events, never on their arrival order.
import type { TicketAction, TicketEvent, TicketType } from '@tablero/ingest/contract';
import type { AgeBucket, EscalationTicket } from '../../contract.ts';
import { ageInBusinessDays, dueDate, type BusinessCalendar } from './business-days.ts';
import { isoDate } from '../holidays/easter.ts';

export function ageBucket(days: number): AgeBucket {
  if (days <= 2) return '0-2';
  if (days <= 5) return '3-5';
  if (days <= 10) return '6-10';
  if (days <= 15) return '11-15';
  return '>15';
}

// Same-second events apply in lifecycle order (an "opened" and "escalated" logged in the same
// second by a CRM script must not depend on which id sorts first).
const ACTION_ORDER: Record<TicketAction, number> = { opened: 0, escalated: 1, reassigned: 2, answered: 3, closed: 4, reopened: 5 };

export function compareTicketEvents(a: TicketEvent, b: TicketEvent): number {
  return a.ts - b.ts || ACTION_ORDER[a.action] - ACTION_ORDER[b.action] || (a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0);
}

export interface TicketState {
  site: string;
  ticket_id: string;
  /** The newest type stated; '' when no event stated one. */
  ticket_type: TicketType | '';
  channel: string;
  /** The responsible area now ('' = not escalated). */
  area: string;
  /** `opened` time, or the earliest event's time when the opening was not received (yet). */
  opened_at: number;
  opened_seen: boolean;
  escalated_at: number | null;
  /** First answer to the customer. */
  answered_at: number | null;
  /** Set while closed; a reopen clears it. */
  closed_at: number | null;
  reopened: number;
  call_site: string;
  call_id: string;
  /** Distinct events, sorted. */
  events: TicketEvent[];
}

/** Folds a ticket's events (any order, duplicates allowed; at least one event). */
export function foldTicket(input: readonly TicketEvent[]): TicketState {
  const byId = new Map<string, TicketEvent>();
  for (const e of input) byId.set(e.event_id, e);
  const events = [...byId.values()].sort(compareTicketEvents);
  const first = events[0];
  if (!first) throw new RangeError('a ticket needs at least one event');
  const st: TicketState = {
    site: first.site,
    ticket_id: first.ticket_id,
    ticket_type: '',
    channel: '',
    area: '',
    opened_at: first.ts,
    opened_seen: false,
    escalated_at: null,
    answered_at: null,
    closed_at: null,
    reopened: 0,
    call_site: '',
    call_id: '',
    events,
  };
  for (const e of events) {
    if (e.ticket_type !== '') st.ticket_type = e.ticket_type;
    if (e.channel !== '') st.channel = e.channel;
    if (e.call_id !== '') {
      st.call_site = e.call_site;
      st.call_id = e.call_id;
    }
    switch (e.action) {
      case 'opened':
        // A second "opened" (a CRM re-sending with another time) keeps the first.
        if (!st.opened_seen) {
          st.opened_seen = true;
          st.opened_at = e.ts;
        }
        break;
      case 'escalated':
      case 'reassigned':
        st.area = e.area;
        if (st.escalated_at === null) st.escalated_at = e.ts;
        break;
      case 'answered':
        if (st.answered_at === null) st.answered_at = e.ts;
        break;
      case 'closed':
        st.closed_at = e.ts;
        break;
      case 'reopened':
        if (st.closed_at !== null) st.reopened += 1;
        st.closed_at = null;
        break;
    }
  }
  return st;
}

export interface EscalationTerms {
  /** Business days per type (kpi-definitions §8 defaults: Ley 1755 de 2015). */
  terms: Record<TicketType, number>;
  /** A ticket with this many business days left or fewer (and not overdue) is due soon. */
  due_soon_days: number;
}

export const DEFAULT_TERMS: EscalationTerms = {
  terms: { peticion: 15, queja: 15, reclamo: 15, sugerencia: 15, denuncia: 15, informacion: 10, consulta: 30 },
  due_soon_days: 2,
};

/** A type not stated yet gets the general term of a petition (the law's default). */
export function termOf(terms: EscalationTerms, type: TicketType | ''): number {
  return terms.terms[type === '' ? 'peticion' : type];
}

/** Aging of a ticket at `nowS`. The due date follows the newest type (recomputed when it changes). */
export function ageTicket(st: TicketState, cal: BusinessCalendar, terms: EscalationTerms, nowS: number): EscalationTicket {
  const term = termOf(terms, st.ticket_type);
  const due = dueDate(cal, st.opened_at, term);
  const closed = st.closed_at !== null;
  const until = st.closed_at ?? nowS;
  const age = ageInBusinessDays(cal, due.receipt_day, until);
  const late = Math.max(0, age - term);
  // Opening ranges are half-open: at the close second the due day is already over.
  const overdue = !closed && nowS >= due.due_s;
  const left = closed || overdue ? null : term - age;
  const answer = st.answered_at ?? st.closed_at;
  return {
    site: st.site,
    ticket_id: st.ticket_id,
    ticket_type: st.ticket_type,
    channel: st.channel,
    area: st.area,
    status: closed ? 'closed' : 'open',
    opened_at: st.opened_at,
    receipt_date: isoDate(due.receipt_day),
    term_days: term,
    due_date: isoDate(due.due_day),
    due_at: due.due_s,
    age_days: age,
    bucket: ageBucket(age),
    days_left: left,
    days_late: late,
    overdue,
    due_soon: left !== null && left <= terms.due_soon_days,
    answered_at: st.answered_at,
    closed_at: st.closed_at,
    on_time: st.closed_at === null ? null : st.closed_at < due.due_s,
    days_to_answer: answer === null ? null : ageInBusinessDays(cal, due.receipt_day, answer),
    reopened: st.reopened,
    call_site: st.call_site,
    call_id: st.call_id,
  };
}
