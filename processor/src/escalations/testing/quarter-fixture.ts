// Test support: the PQRSD tickets of the quarterly report's hand-worked test (2026-Q3, Bogotá,
// Colombian holidays), worked by hand in core/quarterly.test.ts and read back from the files in
// test/e2e/quarterly-report.test.ts. Not a test file itself.
import type { TicketEvent } from '@tablero/ingest/contract';

const at = (iso: string): number => Date.parse(iso) / 1000;

/** An event of site `bog` at a Bogotá local time (`YYYY-MM-DDTHH:MM:SS`). */
export function quarterEvent(ticket: string, action: TicketEvent['action'], time: string, extra: Partial<TicketEvent> = {}): TicketEvent {
  return { event_id: `e-${ticket}-${action}-${time}`, site: 'bog', source: 'crm', ticket_id: ticket, action, ts: at(`${time}-05:00`), ticket_type: '', channel: '', area: '', call_site: '', call_id: '', note: '', ...extra };
}

export const QUARTER_EVENTS: TicketEvent[] = [
  // A: pending from Q2 (filed Fri 26 Jun), due Tue 21 Jul (29 Jun and 20 Jul skipped); answered 14 Jul (11 business days), closed 16 Jul: on time.
  quarterEvent('A', 'opened', '2026-06-26T10:00:00', { ticket_type: 'queja', channel: 'telefono' }),
  quarterEvent('A', 'escalated', '2026-06-26T11:00:00', { area: 'credito' }),
  quarterEvent('A', 'answered', '2026-07-14T10:00:00'),
  quarterEvent('A', 'closed', '2026-07-16T10:00:00'),
  // B: filed Wed 15 Jul, due Thu 6 Aug; closed Mon 10 Aug without an answer event: 16 business days (7 Aug skipped), 1 day late.
  quarterEvent('B', 'opened', '2026-07-15T09:00:00', { ticket_type: 'peticion', channel: 'email' }),
  quarterEvent('B', 'escalated', '2026-07-15T09:30:00', { area: 'credito' }),
  quarterEvent('B', 'closed', '2026-08-10T11:00:00'),
  // C: información filed Mon 21 Sep, due Mon 5 Oct: open and in term at the quarter's end.
  quarterEvent('C', 'opened', '2026-09-21T08:00:00', { ticket_type: 'informacion', channel: 'web' }),
  // D: filed Tue 1 Sep, due Tue 22 Sep; closed 5 Oct, after the quarter: open and overdue at its end.
  quarterEvent('D', 'opened', '2026-09-01T10:00:00', { ticket_type: 'queja', channel: 'telefono' }),
  quarterEvent('D', 'escalated', '2026-09-01T12:00:00', { area: 'legal' }),
  quarterEvent('D', 'closed', '2026-10-05T10:00:00'),
  // E: filed and closed in Q1: not part of Q3.
  quarterEvent('E', 'opened', '2026-03-02T10:00:00', { ticket_type: 'reclamo', channel: 'email' }),
  quarterEvent('E', 'closed', '2026-03-20T10:00:00'),
  // F: filed Wed 10 Jun, due Fri 3 Jul (15 and 29 Jun skipped); closed in Q2, reopened 2 Jul, closed again Wed 8 Jul: 18 business days, 3 late.
  quarterEvent('F', 'opened', '2026-06-10T10:00:00', { ticket_type: 'queja', channel: 'email' }),
  quarterEvent('F', 'escalated', '2026-06-10T10:30:00', { area: 'legal' }),
  quarterEvent('F', 'closed', '2026-06-25T10:00:00'),
  quarterEvent('F', 'reopened', '2026-07-02T10:00:00'),
  quarterEvent('F', 'closed', '2026-07-08T10:00:00'),
  // G: consulta filed Wed 30 Sep at 20:00 (the default calendar's day closes at midnight): received in Q3, in term.
  quarterEvent('G', 'opened', '2026-09-30T20:00:00', { ticket_type: 'consulta', channel: 'web' }),
  quarterEvent('G', 'escalated', '2026-09-30T21:00:00', { area: 'credito' }),
  // H: filed in Q4.
  quarterEvent('H', 'opened', '2026-10-02T10:00:00', { ticket_type: 'queja', channel: 'web' }),
  // Another site's ticket never counts.
  { ...quarterEvent('Z', 'opened', '2026-07-15T09:00:00', { ticket_type: 'queja', channel: 'web' }), site: 'lpz' },
];


/** The same events as the CRM CSV `tablero import --kind tickets` reads (site bog's only). */
export function quarterCsv(): string {
  const rows = QUARTER_EVENTS.filter((e) => e.site === 'bog').map((e) =>
    [e.ticket_id, e.action, new Date(e.ts * 1000).toISOString(), e.ticket_type, e.channel, e.area].join(','),
  );
  return `ticket_id,event,time,type,channel,area\n${rows.join('\n')}\n`;
}
