// The escalations section of the monthly report, pure parts: when a month has one, and how it is laid out.
import { describe, expect, it } from 'vitest';
import type { EscalationMonthly, EscalationMonthlyRow } from '../../contract.ts';
import { layoutEscalations } from './layout.ts';
import { escalationsToReport } from './model.ts';
import { texts } from './texts.ts';

const row = (area: string, ticket_type: string, closed: number, late: number): EscalationMonthlyRow => ({
  area, ticket_type, closed, closed_on_time: closed - late, on_time_pct: closed === 0 ? null : ((closed - late) * 100) / closed,
  avg_days_to_answer: closed === 0 ? null : 4, closed_late: late, atl_days: late === 0 ? null : 2,
});
const monthly = (closed: number, overdue: number, rows: EscalationMonthlyRow[] = []): EscalationMonthly => ({
  site: 's', month: '2026-10', tz: 'UTC', terms: { peticion: 15, consulta: 30 }, rows, total: row('', '', closed, 0), open_overdue_at_month_end: overdue,
  calendar: { holidays_country: null, working_weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '2026-10-01', to: '2026-11-02', holidays: [] },
});

describe('escalationsToReport', () => {
  it('keeps a month with closed tickets or tickets open and overdue at its end, drops the others', () => {
    expect(escalationsToReport(null)).toBeNull();
    expect(escalationsToReport(monthly(0, 0))).toBeNull();
    expect(escalationsToReport(monthly(0, 2))?.open_overdue_at_month_end).toBe(2);
    expect(escalationsToReport(monthly(1, 0))?.total.closed).toBe(1);
  });
});

describe('layoutEscalations', () => {
  it('names the area and type in the users words, an unknown type as written, the total last', () => {
    const m = monthly(3, 1, [row('', 'queja', 1, 0), row('Cartera', 'tutela', 2, 1)]);
    const es = layoutEscalations(m, texts('es'));
    expect(es.table.rows).toEqual([
      ['(sin escalar)', 'Queja', 1, 1, 100, 4, 0, null],
      ['Cartera', 'tutela', 2, 1, 50, 4, 1, 2],
      ['Total', '', 3, 3, 100, 4, 0, null],
    ]);
    expect(es.table.columns.map((c) => c.kind)).toEqual(['text', 'text', 'int', 'int', 'pct', 'dec', 'int', 'dec']);
    expect(es.lines.slice(0, 2)).toEqual([
      ['Abiertos y vencidos al cierre del mes', 1],
      ['Términos (días hábiles)', 'Petición 15, Consulta 30'],
    ]);
    const en = layoutEscalations(m, texts('en'));
    expect(en.table.rows[0]?.slice(0, 2)).toEqual(['(not escalated)', 'Complaint']);
    expect(en.lines[1]).toEqual(['Terms (business days)', 'Request 15, Inquiry 30']);
  });
});
