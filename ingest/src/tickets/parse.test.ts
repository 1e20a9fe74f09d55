import { describe, expect, it } from 'vitest';
import { normalizeTicketType, parseTicketCsvHeader, parseTicketCsvRow, parseTicketTime, ticketBatches, ticketEventId, ticketFromRecord } from './parse.ts';

const ctx = { site: 'bog', source: 'crm', tz: 'America/Bogota', line: 7 };
const HEADER = ['ticket_id', 'event', 'time', 'type', 'channel', 'area', 'call_site', 'call_id', 'note'];

describe('ticket times', () => {
  it.each([
    ['2026-03-02T10:15:00-05:00', 1772464500],
    ['2026-03-02T15:15:00Z', 1772464500],
    ['2026-03-02T15:15:00.750Z', 1772464500],
    ['2026-03-02T10:15-0500', 1772464500],
    ['2026-03-02 10:15', 1772464500], // local, in the site's zone
    ['2026-03-02 10:15:00', 1772464500],
    ['1772464500', 1772464500],
    [1772464500, 1772464500],
  ])('%s', (input, expected) => {
    expect(parseTicketTime(input, 'America/Bogota')).toBe(expected);
  });

  it.each([['2026-02-30T10:00:00Z'], ['2026-03-02T25:00:00Z'], ['02/03/2026 10:15'], [''], [1772464500.5], ['1999-12-31T23:59:59Z'], [null]])('rejects %s', (input) => {
    expect(parseTicketTime(input, 'America/Bogota')).toBeNull();
  });
});

describe('ticket records', () => {
  it('normalizes a full record; the call site defaults to the ticket site; type accents and case ignored', () => {
    const r = ticketFromRecord({ ticket_id: ' RAD-2026-0001 ', event: 'Opened', time: '2026-03-02T10:15:00-05:00', type: 'Petición', channel: 'phone', call_id: '1772464400.12', note: 'cliente llama por cobro' }, ctx);
    expect(r).toEqual({
      ok: true,
      value: {
        event_id: ticketEventId('bog', 'crm', 'RAD-2026-0001', 'opened', 1772464500),
        site: 'bog', source: 'crm', ticket_id: 'RAD-2026-0001', action: 'opened', ts: 1772464500, ticket_type: 'peticion', channel: 'phone',
        area: '', call_site: 'bog', call_id: '1772464400.12', note: 'cliente llama por cobro',
      },
    });
  });

  it('the id depends on source, ticket, event and time only', () => {
    const a = ticketFromRecord({ ticket_id: 'T1', event: 'closed', time: 1772464500, note: 'a' }, ctx);
    const b = ticketFromRecord({ ticket_id: 'T1', event: 'closed', time: '2026-03-02T15:15:00Z', note: 'b' }, { ...ctx, line: 9 });
    const c = ticketFromRecord({ ticket_id: 'T1', event: 'closed', time: 1772464500 }, { ...ctx, source: 'push:other' });
    expect(a.ok && b.ok && c.ok).toBe(true);
    if (a.ok && b.ok && c.ok) {
      expect(a.value.event_id).toBe(b.value.event_id);
      expect(a.value.event_id).not.toBe(c.value.event_id);
    }
  });

  it.each([
    [{ event: 'opened', time: 1772464500, type: 'queja' }, 'missing_field:ticket_id'],
    [{ ticket_id: 'x'.repeat(101), event: 'opened', time: 1772464500, type: 'queja' }, 'bad_field:ticket_id'],
    [{ ticket_id: 'a\nb', event: 'opened', time: 1772464500, type: 'queja' }, 'bad_field:ticket_id'],
    [{ ticket_id: 'T', time: 1772464500 }, 'missing_field:event'],
    [{ ticket_id: 'T', event: 'deleted', time: 1772464500 }, 'bad_field:event'],
    [{ ticket_id: 'T', event: 'closed' }, 'missing_field:time'],
    [{ ticket_id: 'T', event: 'closed', time: 'yesterday' }, 'bad_field:time'],
    [{ ticket_id: 'T', event: 'opened', time: 1772464500 }, 'missing_field:type'],
    [{ ticket_id: 'T', event: 'opened', time: 1772464500, type: 'felicitacion' }, 'bad_field:type'],
    [{ ticket_id: 'T', event: 'escalated', time: 1772464500 }, 'missing_field:area'],
    [{ ticket_id: 'T', event: 'reassigned', time: 1772464500, area: ' ' }, 'missing_field:area'],
    [{ ticket_id: 'T', event: 'closed', time: 1772464500, area: ['x'] }, 'bad_field:area'],
    [{ ticket_id: 'T', event: 'closed', time: 1772464500, call_site: 'bog' }, 'bad_field:call_site'],
    [{ ticket_id: 'T', event: 'closed', time: 1772464500, call_site: 'bad site', call_id: '1.2' }, 'bad_field:call_site'],
    [{ ticket_id: 'T', event: 'closed', time: 1772464500, note: { a: 1 } }, 'bad_field:note'],
    [{ ticket_id: 'T', event: 'closed', time: 1772464500, note: 'a\0b' }, 'bad_field:note'],
    [{ ticket_id: 'T\0', event: 'closed', time: 1772464500 }, 'bad_field:ticket_id'],
    [{ ticket_id: 'T', event: 'closed', time: 1772464500, area: 'Ventas\0' }, 'bad_field:area'],
  ])('rejects %j with %s', (rec, reason) => {
    expect(ticketFromRecord(rec, ctx)).toEqual({ ok: false, reason, line: 7 });
  });

  it('types', () => {
    expect([normalizeTicketType('QUEJA'), normalizeTicketType('Información'), normalizeTicketType(' '), normalizeTicketType('otro')]).toEqual(['queja', 'informacion', '', null]);
  });
});

describe('CSV', () => {
  it('header: any order, BOM and case tolerated, required columns checked', () => {
    expect(parseTicketCsvHeader('\uFEFFTicket_ID,Time,Event\r')).toEqual({ ok: true, value: ['ticket_id', 'time', 'event'] });
    expect(parseTicketCsvHeader('ticket_id,event,type')).toEqual({ ok: false, reason: 'missing_column:time', line: 1 });
    expect(parseTicketCsvHeader('ticket_id,event,time,event')).toEqual({ ok: false, reason: 'duplicate_column', line: 1 });
  });

  it('rows by header name, quoted cells with commas', () => {
    const r = parseTicketCsvRow('R-9,escalated,2026-03-02 11:00,,,"Crédito, cartera",,,"dijo ""urgente"""', HEADER, ctx);
    expect(r.ok && [r.value.action, r.value.area, r.value.ts, r.value.note]).toEqual(['escalated', 'Crédito, cartera', 1772467200, 'dijo "urgente"']);
  });

  it.each([
    ['R-9,opened,2026-03-02 11:00,queja', 'wrong_column_count'],
    ['R-9,opened,"2026-03-02 11:00,queja,,,,,', 'bad_quotes'],
  ])('rejects %s', (line, reason) => {
    expect(parseTicketCsvRow(line, HEADER, ctx)).toEqual({ ok: false, reason, line: 7 });
  });
});

describe('batches', () => {
  it('are cut by size with ids that depend only on their events', () => {
    const evs = [1, 2, 3].map((i) => {
      const r = ticketFromRecord({ ticket_id: `T${i}`, event: 'closed', time: 1772464500 + i }, ctx);
      if (!r.ok) throw new Error(r.reason);
      return r.value;
    });
    const a = ticketBatches('bog', evs, 2);
    expect(a.map((b) => b.events.length)).toEqual([2, 1]);
    expect(ticketBatches('bog', evs, 2).map((b) => b.batch_id)).toEqual(a.map((b) => b.batch_id));
    expect(a[0]?.batch_id).toMatch(/^tickets:[0-9a-f]{32}$/);
    expect(a[0]?.batch_id).not.toBe(a[1]?.batch_id);
  });
});
