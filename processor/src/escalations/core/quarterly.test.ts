// The quarterly complaints report's figures, worked by hand (docs/kpi-definitions.md §8.2): site
// in Bogotá (Colombian holidays: 29 Jun, 20 Jul, 7 Aug, 17 Aug 2026), default terms (queja,
// petición, reclamo 15 business days; información 10; consulta 30), quarter 2026-Q3.
import type { TicketEvent } from '@tablero/ingest/contract';
import { describe, expect, it } from 'vitest';
import { createEscalationModel } from './model.ts';
import { QUARTER_EVENTS, quarterEvent } from '../testing/quarter-fixture.ts';
import { parseQuarter, quarterBounds, quarterMonths, siteQuarterly, ticketFingerprint, type QuarterlyRow } from './quarterly.ts';

const at = (iso: string): number => Date.parse(iso) / 1000;
const ev = quarterEvent;
const EVENTS = QUARTER_EVENTS;

const model = createEscalationModel({ tz: 'America/Bogota', calendars: {}, settings: {} });

const row = (key: string, p: number, r: number, res: number, ot: number, pctv: number | null, avg: number | null, inProc: number, overdue: number): QuarterlyRow => ({
  key, pending_previous: p, received: r, subtotal: p + r, resolved: res, resolved_on_time: ot, resolved_late: res - ot, on_time_pct: pctv, avg_days_to_answer: avg, in_process: p + r - res, in_process_overdue: overdue,
  ...(inProc === p + r - res ? {} : { in_process: Number.NaN }),
});

describe('quarters', () => {
  it.each([
    ['2026-Q3', { year: 2026, q: 3 }],
    ['2026-Q1', { year: 2026, q: 1 }],
    ['2026-Q5', null],
    ['2026-3', null],
    ['1999-Q1', null],
  ])('%s', (text, expected) => expect(parseQuarter(text)).toEqual(expected));

  it('bounds in the site time zone and months', () => {
    expect(quarterBounds('2026-Q3', 'America/Bogota')).toEqual([at('2026-07-01T00:00:00-05:00'), at('2026-10-01T00:00:00-05:00')]);
    expect(quarterBounds('2026-Q4', 'UTC')).toEqual([at('2026-10-01T00:00:00Z'), at('2027-01-01T00:00:00Z')]);
    expect(quarterMonths('2026-Q4')).toEqual(['2026-10', '2026-11', '2026-12']);
  });
});

describe('siteQuarterly (hand-worked)', () => {
  const q = siteQuarterly(model, 'bog', '2026-Q3', EVENTS);

  it('each ticket with its status at the quarter end, business days and lateness', () => {
    expect(q.tickets.map((t) => [t.ticket_id, t.pending_previous, t.receipt_date, t.due_date, t.status, t.days_to_answer, t.days_late])).toEqual([
      ['F', true, '2026-06-10', '2026-07-03', 'closed_late', 18, 3],
      ['A', true, '2026-06-26', '2026-07-21', 'closed_on_time', 11, 0],
      ['B', false, '2026-07-15', '2026-08-06', 'closed_late', 16, 1],
      ['D', false, '2026-09-01', '2026-09-22', 'open_overdue', null, 6],
      ['C', false, '2026-09-21', '2026-10-05', 'open_in_term', null, 0],
      ['G', false, '2026-09-30', '2026-11-13', 'open_in_term', null, 0],
    ]);
  });

  it('the Formato 379 columns, on-time rate and average business days, in total and by status', () => {
    expect(q.total).toEqual(row('', 2, 4, 3, 1, 33.33, 15, 3, 1));
    expect(q.by_status).toEqual([
      { status: 'closed_on_time', tickets: 1 },
      { status: 'closed_late', tickets: 2 },
      { status: 'open_in_term', tickets: 2 },
      { status: 'open_overdue', tickets: 1 },
    ]);
    expect([q.first_day, q.last_day]).toEqual(['2026-07-01', '2026-09-30']);
  });

  it('by type, channel and area', () => {
    expect(q.by_type).toEqual([
      row('consulta', 0, 1, 0, 0, null, null, 1, 0),
      row('informacion', 0, 1, 0, 0, null, null, 1, 0),
      row('peticion', 0, 1, 1, 0, 0, 16, 0, 0),
      row('queja', 2, 1, 2, 1, 50, 14.5, 1, 1),
    ]);
    expect(q.by_channel).toEqual([
      row('email', 1, 1, 2, 0, 0, 17, 0, 0),
      row('telefono', 1, 1, 1, 1, 100, 11, 1, 1),
      row('web', 0, 2, 0, 0, null, null, 2, 0),
    ]);
    expect(q.by_area).toEqual([
      row('', 0, 1, 0, 0, null, null, 1, 0),
      row('credito', 1, 2, 2, 1, 50, 13.5, 1, 0),
      row('legal', 1, 1, 1, 0, 0, 18, 1, 1),
    ]);
  });

  it('states the Colombian holidays the counts skipped', () => {
    expect(q.calendar.holidays_country).toBe('CO');
    expect(q.calendar.holidays.filter((h) => h.date >= '2026-06-01' && h.date <= '2026-09-30').map((h) => h.date)).toEqual(['2026-06-15', '2026-06-29', '2026-07-20', '2026-08-07', '2026-08-17']);
    expect([q.calendar.from, q.calendar.to]).toEqual(['2026-06-10', '2026-11-13']);
  });

  it('a later event (the reopen or close of Q4) never changes the quarter, and the fingerprint follows the events before its end', () => {
    const later = [...EVENTS, ev('A', 'reopened', '2026-10-10T10:00:00'), ev('C', 'closed', '2026-10-02T10:00:00')];
    const again = siteQuarterly(model, 'bog', '2026-Q3', later);
    expect({ ...again, fingerprint: null }).toEqual({ ...q, fingerprint: null });
    expect(again.fingerprint).toEqual(q.fingerprint);
    const late = siteQuarterly(model, 'bog', '2026-Q3', [...EVENTS, ev('C', 'answered', '2026-09-29T10:00:00')]);
    expect(late.fingerprint.value).not.toBe(q.fingerprint.value);
    expect(late.fingerprint.events).toBe(q.fingerprint.events + 1);
    expect(ticketFingerprint([EVENTS[0] as TicketEvent, EVENTS[0] as TicketEvent]).events).toBe(1);
  });
});
