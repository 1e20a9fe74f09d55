import type { TicketEvent } from '@tablero/ingest/contract';
import { describe, expect, it } from 'vitest';
import { nationalHolidays } from '../holidays/bundled.ts';
import { createBusinessCalendar } from './business-days.ts';
import { ageBucket, ageTicket, DEFAULT_TERMS, foldTicket } from './tickets.ts';
import { buildMonthly, buildSnapshot } from './views.ts';

const at = (iso: string): number => Date.parse(iso) / 1000;
const week = [0, 1, 2, 3, 4].map(() => [{ from: '08:00', to: '17:00' }]);
const cal = createBusinessCalendar({ tz: 'America/Bogota', weekly: [...week, [], []] }, { holidays: nationalHolidays('CO', 2026).map((h) => h.date) });

let n = 0;
function ev(ticket: string, action: TicketEvent['action'], time: string, extra: Partial<TicketEvent> = {}): TicketEvent {
  n += 1;
  return { event_id: `e${ticket}-${action}-${time}`, site: 'bog', source: 'crm', ticket_id: ticket, action, ts: at(time), ticket_type: '', channel: '', area: '', call_site: '', call_id: '', note: `n${n}`, ...extra };
}

const opened = ev('T1', 'opened', '2026-03-02T10:00:00-05:00', { ticket_type: 'queja', channel: 'phone', call_site: 'bog', call_id: '1700000000.1' });
const escalated = ev('T1', 'escalated', '2026-03-02T11:00:00-05:00', { area: 'credito' });
const reassigned = ev('T1', 'reassigned', '2026-03-05T09:00:00-05:00', { area: 'tesoreria' });
const answered = ev('T1', 'answered', '2026-03-20T10:00:00-05:00');
const closed = ev('T1', 'closed', '2026-03-25T10:00:00-05:00');

describe('folding a ticket', () => {
  it('the same state whatever the arrival order and however many duplicates', () => {
    const inOrder = foldTicket([opened, escalated, reassigned, answered, closed]);
    const shuffled = foldTicket([closed, reassigned, opened, closed, answered, escalated, opened]);
    expect(shuffled).toEqual(inOrder);
    expect(inOrder).toMatchObject({
      ticket_type: 'queja', channel: 'phone', area: 'tesoreria', opened_at: at('2026-03-02T10:00:00-05:00'), opened_seen: true,
      escalated_at: at('2026-03-02T11:00:00-05:00'), answered_at: at('2026-03-20T10:00:00-05:00'), closed_at: at('2026-03-25T10:00:00-05:00'),
      reopened: 0, call_site: 'bog', call_id: '1700000000.1',
    });
    expect(inOrder.events.map((e) => e.action)).toEqual(['opened', 'escalated', 'reassigned', 'answered', 'closed']);
  });

  it('same-second events apply in lifecycle order', () => {
    const a = ev('T2', 'escalated', '2026-03-02T10:00:00-05:00', { area: 'legal', event_id: 'a' });
    const o = ev('T2', 'opened', '2026-03-02T10:00:00-05:00', { ticket_type: 'reclamo', event_id: 'z' });
    expect(foldTicket([a, o]).events.map((e) => e.action)).toEqual(['opened', 'escalated']);
  });

  it('a reopen clears the closing and counts; a later close closes again', () => {
    const reopen = ev('T1', 'reopened', '2026-03-26T10:00:00-05:00');
    expect(foldTicket([opened, closed, reopen])).toMatchObject({ closed_at: null, reopened: 1 });
    const reclosed = ev('T1', 'closed', '2026-03-27T10:00:00-05:00');
    expect(foldTicket([reclosed, opened, closed, reopen])).toMatchObject({ closed_at: at('2026-03-27T10:00:00-05:00'), reopened: 1 });
  });

  it('without its opening yet (arrives later), the earliest event stands in', () => {
    const st = foldTicket([escalated]);
    expect(st).toMatchObject({ opened_seen: false, opened_at: escalated.ts, ticket_type: '', area: 'credito' });
    expect(ageTicket(st, cal, DEFAULT_TERMS, at('2026-03-03T10:00:00-05:00')).term_days).toBe(15);
  });
});

describe('aging a ticket', () => {
  it('open, due soon, overdue as the clock passes the due date', () => {
    const st = foldTicket([opened, escalated]);
    // queja: 15 business days from Monday 2 March -> due Tuesday 24 March 17:00 (23 March is a holiday).
    const a1 = ageTicket(st, cal, DEFAULT_TERMS, at('2026-03-10T10:00:00-05:00'));
    expect(a1).toMatchObject({ status: 'open', receipt_date: '2026-03-02', due_date: '2026-03-24', age_days: 6, bucket: '6-10', days_left: 9, days_late: 0, overdue: false, due_soon: false });
    const a2 = ageTicket(st, cal, DEFAULT_TERMS, at('2026-03-20T10:00:00-05:00'));
    expect(a2).toMatchObject({ age_days: 14, days_left: 1, due_soon: true, overdue: false, bucket: '11-15' });
    const a3 = ageTicket(st, cal, DEFAULT_TERMS, at('2026-03-24T17:00:00-05:00'));
    expect(a3).toMatchObject({ age_days: 16, days_left: null, days_late: 1, overdue: true, due_soon: false, bucket: '>15' });
    expect(a3.due_at).toBe(at('2026-03-24T17:00:00-05:00'));
  });

  it('the due date follows a type change (queja 15 -> consulta 30 business days)', () => {
    const retyped = ev('T1', 'reassigned', '2026-03-04T09:00:00-05:00', { area: 'juridica', ticket_type: 'consulta' });
    const a = ageTicket(foldTicket([opened, retyped]), cal, DEFAULT_TERMS, at('2026-03-25T10:00:00-05:00'));
    expect(a).toMatchObject({ ticket_type: 'consulta', term_days: 30, due_date: '2026-04-16', overdue: false, age_days: 16 });
  });

  it('a ticket closed after its due date is late by the business days past it; days to answer from the first answer', () => {
    const a = ageTicket(foldTicket([opened, escalated, answered, closed]), cal, DEFAULT_TERMS, at('2026-04-30T10:00:00-05:00'));
    expect(a).toMatchObject({ status: 'closed', on_time: false, days_late: 1, days_to_answer: 14, overdue: false, due_soon: false, days_left: null, age_days: 16 });
  });

  it('terms are settings', () => {
    const short = { terms: { ...DEFAULT_TERMS.terms, queja: 5 }, due_soon_days: 0 };
    expect(ageTicket(foldTicket([opened]), cal, short, at('2026-03-06T10:00:00-05:00'))).toMatchObject({ due_date: '2026-03-09', days_left: 1, due_soon: false });
  });

  it.each([
    [0, '0-2'], [2, '0-2'], [3, '3-5'], [5, '3-5'], [6, '6-10'], [10, '6-10'], [11, '11-15'], [15, '11-15'], [16, '>15'], [90, '>15'],
  ] as const)('age %i is in bucket %s', (days, bucket) => {
    expect(ageBucket(days)).toBe(bucket);
  });
});

describe('views', () => {
  const nowS = at('2026-03-25T10:00:00-05:00');
  const t = (id: string, type: 'queja' | 'informacion' | 'consulta', area: string, openedAt: string, more: TicketEvent[] = []) =>
    ageTicket(foldTicket([ev(id, 'opened', openedAt, { ticket_type: type }), ...(area ? [ev(id, 'escalated', openedAt, { area })] : []), ...more]), cal, DEFAULT_TERMS, nowS);

  it('snapshot: open tickets by area x bucket, overdue and due-soon lists in order', () => {
    const aged = [
      t('A', 'queja', 'credito', '2026-03-02T10:00:00-05:00'), // due 24 Mar; age 16, 1 day late
      t('B', 'informacion', 'credito', '2026-03-06T10:00:00-05:00'), // informacion, 10 days: due 20 Mar; age 12, 2 days late
      t('C', 'queja', 'legal', '2026-03-05T10:00:00-05:00'), // due 27 Mar; age 13, 2 left
      t('D', 'consulta', '', '2026-03-20T10:00:00-05:00'), // age 2
      t('E', 'queja', 'legal', '2026-03-02T10:00:00-05:00', [ev('E', 'closed', '2026-03-10T10:00:00-05:00')]), // closed: not counted
    ];
    const snap = buildSnapshot('bog', 'America/Bogota', 2, nowS * 1000, aged);
    expect(snap.totals).toEqual({ open: 4, overdue: 2, due_soon: 1, buckets: { '0-2': 1, '3-5': 0, '6-10': 0, '11-15': 2, '>15': 1 } });
    expect(snap.by_area.map((a) => [a.area, a.open, a.overdue, a.due_soon, a.buckets['>15']])).toEqual([
      ['', 1, 0, 0, 0],
      ['credito', 2, 2, 0, 1],
      ['legal', 1, 0, 1, 0],
    ]);
    expect(snap.overdue_list.map((x) => [x.ticket_id, x.days_late])).toEqual([['B', 2], ['A', 1]]);
    expect(snap.due_soon_list.map((x) => [x.ticket_id, x.days_left])).toEqual([['C', 2]]);
    expect(snap.by_type.map((x) => [x.ticket_type, x.open])).toEqual([['consulta', 1], ['informacion', 1], ['queja', 2]]);
  });

  it('monthly: on-time rate per area and type, average days to answer, ATL', () => {
    const c = (id: string, type: 'queja' | 'informacion', area: string, openedAt: string, answeredAt: string, closedAt: string) =>
      ageTicket(foldTicket([ev(id, 'opened', openedAt, { ticket_type: type }), ev(id, 'escalated', openedAt, { area }), ev(id, 'answered', answeredAt), ev(id, 'closed', closedAt)]), cal, DEFAULT_TERMS, nowS);
    const closedIn = [
      c('A', 'queja', 'credito', '2026-03-02T10:00:00-05:00', '2026-03-09T10:00:00-05:00', '2026-03-10T10:00:00-05:00'), // on time, 5 days to answer
      c('B', 'queja', 'credito', '2026-03-02T10:00:00-05:00', '2026-03-26T10:00:00-05:00', '2026-03-27T10:00:00-05:00'), // due 24: 3 late at closing, 17 to answer
      c('C', 'informacion', 'credito', '2026-03-02T10:00:00-05:00', '2026-03-03T10:00:00-05:00', '2026-03-03T10:00:00-05:00'), // on time, 1
      c('D', 'queja', 'legal', '2026-03-02T10:00:00-05:00', '2026-03-30T10:00:00-05:00', '2026-03-30T10:00:00-05:00'), // 4 late, 19
    ];
    const m = buildMonthly('bog', '2026-03', 'America/Bogota', DEFAULT_TERMS.terms, closedIn, [t('X', 'informacion', 'legal', '2026-03-02T10:00:00-05:00')]);
    expect(m.rows).toEqual([
      { area: 'credito', ticket_type: 'informacion', closed: 1, closed_on_time: 1, on_time_pct: 100, avg_days_to_answer: 1, closed_late: 0, atl_days: null },
      { area: 'credito', ticket_type: 'queja', closed: 2, closed_on_time: 1, on_time_pct: 50, avg_days_to_answer: 11, closed_late: 1, atl_days: 3 },
      { area: 'legal', ticket_type: 'queja', closed: 1, closed_on_time: 0, on_time_pct: 0, avg_days_to_answer: 19, closed_late: 1, atl_days: 4 },
    ]);
    expect(m.total).toEqual({ area: '', ticket_type: '', closed: 4, closed_on_time: 2, on_time_pct: 50, avg_days_to_answer: 10.5, closed_late: 2, atl_days: 3.5 });
    expect(m.open_overdue_at_month_end).toBe(1);
  });
});
