// The monthly report states the holidays it applied (kpi-definitions §6), on real embedded
// ClickHouse: a Bogotá site open Monday to Friday 07:00-19:00 and Saturday 08:00-13:00, with a
// holiday of its own (Tuesday 20 October 2026) and Colombia's national holidays (country `auto`)
// for its escalations. Exported as CSV, XLSX (read back with exceljs) and PDF (pdftotext); frozen
// with the month; and a month closed before the holidays were stated still exports as it did.
//
// Tickets, worked by hand on the October / November 2026 calendar (Colombian holidays: Monday
// 12 October, Día de la Raza; Monday 2 November, Todos los Santos):
// - Q: queja filed Friday 9 Oct 10:00, closed Friday 30 Oct. Legal days (Mon-Fri): received 9 Oct,
//   due Wednesday 4 Nov (13-16, 19, 21-23, 26-30, 3-4 Nov); 13 business days to the closing: on time.
// - P: peticion filed Saturday 10 Oct 09:00 while the center is open, closed Saturday 31 Oct 10:00.
//   Saturday is no legal business day: received Tuesday 13 Oct (Monday 12 is a holiday), due
//   Thursday 5 Nov; the closing belongs to Tuesday 3 Nov: 13 business days, on time.
// With Saturday named a working weekday, Saturdays 10, 17, 24 and 31 Oct count:
// - Q: due Thursday 29 Oct; 16 business days to the closing (10, 13-17, 19, 21-24, 26-30): 1 day late.
// - P: received Saturday 10 Oct (before the 13:00 close), due Friday 30 Oct at 19:00, closed
//   Saturday 31 Oct in hours: 16 business days (13-17, 19, 21-24, 26-31), 1 day late.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketEvent } from '@tablero/ingest/contract';
import type { ClickHouse } from '@tablero/sql';
import { saveEscalationSettings, insertTicketEvents } from '../escalations/store/ticket-store.ts';
import { saveCalendarVersion } from '../store/settings-store.ts';
import { createStore } from '../store/store.ts';
import { freshClickHouse } from '../testing/clickhouse.ts';
import type { MonthlyReport } from './core/model.ts';
import { closeMonth, computeMonthlyReport, exportMonthly, type ReportContext } from './service.ts';
import { saveClosedMonth } from './store/report-store.ts';
import { NOW_MS, stint } from './testing/month-fixture.ts';

const SITE = 'bog';
const at = (local: string): number => Date.parse(`${local}-05:00`) / 1000;
const open = [{ from: '07:00', to: '19:00' }];
const SPEC = { tz: 'America/Bogota', weekly: [open, open, open, open, open, [{ from: '08:00', to: '13:00' }], []], holidays: ['2026-10-20'] };

function ev(ticket: string, action: TicketEvent['action'], local: string, extra: Partial<TicketEvent> = {}): TicketEvent {
  return { event_id: `${ticket}-${action}`, site: SITE, source: 'crm', ticket_id: ticket, action, ts: at(local), ticket_type: '', channel: '', area: '', call_site: '', call_id: '', note: '', ...extra };
}

let ch: ClickHouse & { dispose(): Promise<void> };
let ctx: ReportContext;
const tmp = mkdtempSync(join(tmpdir(), 'tablero-holidays-'));
const req = { site: SITE, month: '2026-10', queues: [] as string[], nowMs: NOW_MS };
const csvLines = async (lang: 'es' | 'en', nowMs = NOW_MS): Promise<string[]> =>
  (await exportMonthly(ctx, { ...req, nowMs, format: 'csv', lang })).body.toString('utf8').split('\r\n');

const ES_LINES = [
  'Calendario del sitio;"lun 07:00-19:00; mar 07:00-19:00; mié 07:00-19:00; jue 07:00-19:00; vie 07:00-19:00; sáb 08:00-13:00; dom cerrado"',
  'Versión del calendario;1',
  'Feriados del calendario del sitio (cifras de llamadas);2026-10-20',
  'Días hábiles legales (escalamientos);lun, mar, mié, jue, vie',
  'Feriados de los términos legales (escalamientos);"Colombia (CO); del 2026-10-01 al 2026-11-05: 2026-10-12 Día de la Raza; 2026-10-20 feriado del sitio; 2026-11-02 Todos los Santos"',
];

beforeAll(async () => {
  ch = await freshClickHouse();
  const since = Date.UTC(2026, 0, 1);
  await saveCalendarVersion(ch, { site: SITE, spec: SPEC, validFromMs: since, createdBy: 'test', nowMs: since });
  // One call on a working day, one on the site's holiday (out of hours for the call figures).
  await createStore(ch).insertStints(
    [stint(SITE, '300', at('2026-10-05T10:00:00'), 'answered', 10, 60, 'ana'), stint(SITE, '300', at('2026-10-20T10:00:00'), 'answered', 5, 30, 'ana')],
    0,
    'bog-october',
  );
  await insertTicketEvents(
    ch,
    [
      ev('Q', 'opened', '2026-10-09T10:00:00', { ticket_type: 'queja' }),
      ev('Q', 'escalated', '2026-10-09T10:30:00', { area: 'Cartera' }),
      ev('Q', 'closed', '2026-10-30T10:00:00'),
      ev('P', 'opened', '2026-10-10T09:00:00', { ticket_type: 'peticion' }),
      ev('P', 'escalated', '2026-10-10T09:30:00', { area: 'Cartera' }),
      ev('P', 'closed', '2026-10-31T10:00:00'),
    ],
    'bog-tickets',
  );
  ctx = { ch, log: pino({ level: 'silent' }), defaultTz: 'UTC' };
});
afterAll(async () => {
  await ch?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

describe('holidays stated by the monthly report', () => {
  it('CSV: the site calendar holidays of the call figures, the legal weekdays, the country and the list of the escalations', async () => {
    const lines = await csvLines('es');
    const i = lines.indexOf(ES_LINES[0] ?? '');
    expect(lines.slice(i, i + ES_LINES.length)).toEqual(ES_LINES);
    // The site holiday is out of hours for the calls; Saturday does not count toward the terms.
    expect(lines).toContain('300;1;1;1;0;0;0;0;0;0;0;0;0;1;100,00;atendidas dentro de T / llamadas recibidas;20;80,00;Sí;0,00;0,00;10,00;;60,00;10');
    expect(lines).toContain('Cartera;Petición;1;1;100,00;13,00;0;');
    expect(lines).toContain('Cartera;Queja;1;1;100,00;13,00;0;');
    expect(lines).toContain('Total;;2;2;100,00;13,00;0;');
    expect(lines.some((l) => l.startsWith('Definición de escalamientos;"') && l.includes('días hábiles legales = los días hábiles de la semana (lunes a viernes'))).toBe(true);
  });

  it('CSV in English', async () => {
    const lines = await csvLines('en');
    expect(lines).toContain('Site calendar holidays (call figures),2026-10-20');
    expect(lines).toContain('Legal business days (escalations),"Mon, Tue, Wed, Thu, Fri"');
    expect(lines).toContain(
      'Holidays of the legal terms (escalations),Colombia (CO); 2026-10-01 to 2026-11-05: 2026-10-12 Día de la Raza; 2026-10-20 site holiday; 2026-11-02 Todos los Santos',
    );
  });

  it('XLSX: the same lines in the definitions sheet', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await exportMonthly(ctx, { ...req, format: 'xlsx', lang: 'es' })).body as unknown as ExcelJS.Buffer);
    const pairs = new Map<string, unknown>();
    wb.getWorksheet('Definiciones')?.eachRow((r) => pairs.set(String(r.getCell(1).value), r.getCell(2).value));
    expect(pairs.get('Feriados del calendario del sitio (cifras de llamadas)')).toBe('2026-10-20');
    expect(pairs.get('Días hábiles legales (escalamientos)')).toBe('lun, mar, mié, jue, vie');
    expect(pairs.get('Feriados de los términos legales (escalamientos)')).toBe(
      'Colombia (CO); del 2026-10-01 al 2026-11-05: 2026-10-12 Día de la Raza; 2026-10-20 feriado del sitio; 2026-11-02 Todos los Santos',
    );
  });

  it('PDF: the same lines on the definitions page', async () => {
    const file = join(tmp, 'bog.pdf');
    writeFileSync(file, (await exportMonthly(ctx, { ...req, format: 'pdf', lang: 'en' })).body);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toMatch(/Site calendar holidays \(call figures\)\s+2026-10-20\n/);
    expect(text).toMatch(/Legal business days \(escalations\)\s+Mon, Tue, Wed, Thu, Fri\n/);
    // The label wraps in its column: "(escalations)" goes to the next line.
    expect(text).toMatch(
      /Holidays of the legal terms\s+Colombia \(CO\); 2026-10-01 to 2026-11-05: 2026-10-12 Día de la Raza; 2026-10-20 site holiday; 2026-11-02 Todos los Santos\n\s*\(escalations\)/,
    );
  });

  it('is frozen with the month; closing again after Saturday was named a working weekday states and counts it', async () => {
    await closeMonth(ctx, { site: SITE, month: '2026-10', closedBy: 'mario', nowMs: NOW_MS });
    const before = await csvLines('es', NOW_MS + 1000);
    await saveEscalationSettings(ch, { site: SITE, patch: { working_weekdays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'] }, validFromMs: NOW_MS + 2000, createdBy: 'ana', nowMs: NOW_MS + 2000 });
    const after = await csvLines('es', NOW_MS + 3000);
    expect(after.filter((l, n) => l !== before[n]).map((l) => l.split(';')[0])).toEqual(['Generado']);

    await closeMonth(ctx, { site: SITE, month: '2026-10', closedBy: 'mario', nowMs: NOW_MS + 4000 });
    const again = await csvLines('es', NOW_MS + 5000);
    expect(again).toContain('Días hábiles legales (escalamientos);lun, mar, mié, jue, vie, sáb');
    // The month's end (Saturday 31 Oct, after its 13:00 close) now belongs to Tuesday 3 November.
    expect(again).toContain(
      'Feriados de los términos legales (escalamientos);"Colombia (CO); del 2026-10-01 al 2026-11-03: 2026-10-12 Día de la Raza; 2026-10-20 feriado del sitio; 2026-11-02 Todos los Santos"',
    );
    expect(again).toContain('Total;;2;0;0,00;16,00;2;1,00');
  });

  it('a month closed before the holidays were stated exports its calendar line as it did then', async () => {
    const now = await computeMonthlyReport(ctx, { ...req, nowMs: NOW_MS + 6000 });
    // What a closing stored before this change: no site_holidays, no escalations.calendar.
    const { site_holidays: _dropped, ...rest } = now;
    const { calendar: _cal, ...escalations } = now.escalations ?? { calendar: null };
    const legacy = { ...rest, escalations } as unknown as MonthlyReport;
    await saveClosedMonth(ch, { site: SITE, month: '2026-10', closed_at_ms: NOW_MS + 6000, closed_by: 'old', report: legacy });
    const lines = await csvLines('es', NOW_MS + 7000);
    expect(lines).toContain('Calendario del sitio;"lun 07:00-19:00; mar 07:00-19:00; mié 07:00-19:00; jue 07:00-19:00; vie 07:00-19:00; sáb 08:00-13:00; dom cerrado; feriados: 2026-10-20"');
    expect(lines.filter((l) => l.startsWith('Feriados') || l.startsWith('Días hábiles legales'))).toEqual([]);
    expect(lines).toContain(
      'Definición de escalamientos;"oportunidad = cerrados en término / cerrados en el mes; días de respuesta = días hábiles desde la radicación hasta la primera respuesta (o el cierre); ATL = promedio de días hábiles de retraso de los cerrados fuera de término; días hábiles del calendario de la sede con sus festivos"',
    );
  });
});
