// The monthly indicator report's escalations (PQRSD) section on real embedded ClickHouse: the
// October 2026 month of reports.integration.test.ts plus tickets checked by hand, exported as
// CSV, XLSX (read back) and PDF (pdftotext); frozen with the month at closing; and a month with
// nothing to report adds no section.
//
// Site calendar (testing/month-fixture.ts): America/La_Paz, open 07:00-24:00 every day, Bolivian
// national holidays (none in September or October 2026; Monday 2 November, Todos Santos). The
// opening hours add no business day (kpi-definitions §6): terms count Monday to Friday, a ticket
// filed on a weekday in hours is received that day, one filed on a weekend the next business
// day, and "due" = receipt + term business days, at 24:00.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketEvent } from '@tablero/ingest/contract';
import type { ClickHouse } from '@tablero/sql';
import { insertTicketEvents } from '../escalations/store/ticket-store.ts';
import { freshClickHouse } from '../testing/clickhouse.ts';
import { closeMonth, exportMonthly, type ReportContext } from './service.ts';
import { lapaz, NOW_MS, seedOctober } from './testing/month-fixture.ts';

const SITE = 'default';
let ch: ClickHouse & { dispose(): Promise<void> };
let ctx: ReportContext;
const tmp = mkdtempSync(join(tmpdir(), 'tablero-esc-report-'));

function ev(ticket: string, action: TicketEvent['action'], ts: number, extra: Partial<TicketEvent> = {}): TicketEvent {
  return { event_id: `${ticket}-${action}-${ts}`, site: SITE, source: 'crm', ticket_id: ticket, action, ts, ticket_type: '', channel: '', area: '', call_site: '', call_id: '', note: '', ...extra };
}

/**
 * Business days worked by hand (Monday to Friday; 1 October 2026 is a Thursday):
 * A: queja opened Thu 1 Oct, due Thu 22 Oct; answered Saturday 10 Oct, which belongs to Monday 12:
 *    7 days (2, 5-9, 12); closed 12 Oct: on time.
 * B: queja opened Fri 2 Oct, due Fri 23 Oct; closed Tue 27 Oct without an answer event: 17 days
 *    (5-9, 12-16, 19-23, 26, 27), 2 days late.
 * C: peticion opened Mon 5 Oct, answered Thu 8 Oct (3 days), closed 9 Oct: on time.
 * S: sugerencia never escalated, opened Wed 14 Oct, closed Thu 15 Oct (1 day): on time.
 * D: consulta opened Thu 10 Sep, due Thu 22 Oct (30 days: 11, 14-18, 21-25, 28-30 Sep, 1-2, 5-9,
 *    12-16, 19-22 Oct), still open: open and overdue at month end.
 * E: reclamo opened Sunday 25 Oct, received Mon 26 Oct, due 17 Nov: neither closed nor overdue in October.
 * F: queja opened Tue 1 Sep, closed Thu 10 Sep (7 days): September's, not October's.
 */
const TICKETS: TicketEvent[] = [
  ev('A', 'opened', lapaz(2026, 10, 1, 10, 0), { ticket_type: 'queja', channel: 'phone' }),
  ev('A', 'escalated', lapaz(2026, 10, 1, 10, 30), { area: 'Crédito' }),
  ev('A', 'answered', lapaz(2026, 10, 10, 9, 0)),
  ev('A', 'closed', lapaz(2026, 10, 12, 9, 0)),
  ev('B', 'opened', lapaz(2026, 10, 2, 9, 0), { ticket_type: 'queja' }),
  ev('B', 'escalated', lapaz(2026, 10, 2, 9, 5), { area: 'Crédito' }),
  ev('B', 'closed', lapaz(2026, 10, 27, 12, 0)),
  ev('C', 'opened', lapaz(2026, 10, 5, 8, 0), { ticket_type: 'peticion' }),
  ev('C', 'escalated', lapaz(2026, 10, 5, 8, 10), { area: 'Tesorería' }),
  ev('C', 'answered', lapaz(2026, 10, 8, 16, 0)),
  ev('C', 'closed', lapaz(2026, 10, 9, 11, 0)),
  ev('S', 'opened', lapaz(2026, 10, 14, 15, 0), { ticket_type: 'sugerencia' }),
  ev('S', 'closed', lapaz(2026, 10, 15, 15, 0)),
  ev('D', 'opened', lapaz(2026, 9, 10, 10, 0), { ticket_type: 'consulta' }),
  ev('D', 'escalated', lapaz(2026, 9, 10, 11, 0), { area: 'Jurídica' }),
  ev('E', 'opened', lapaz(2026, 10, 25, 10, 0), { ticket_type: 'reclamo' }),
  ev('E', 'escalated', lapaz(2026, 10, 25, 10, 30), { area: 'Jurídica' }),
  ev('F', 'opened', lapaz(2026, 9, 1, 10, 0), { ticket_type: 'queja' }),
  ev('F', 'escalated', lapaz(2026, 9, 1, 10, 30), { area: 'Crédito' }),
  ev('F', 'closed', lapaz(2026, 9, 10, 10, 0)),
];

const ES_HEADER =
  'Área responsable;Tipo;Cerrados;Cerrados en término;Oportunidad (%);Días hábiles promedio de respuesta;Cerrados fuera de término;Retraso promedio ATL (días hábiles)';
const ES_ROWS = [
  '(sin escalar);Sugerencia;1;1;100,00;1,00;0;',
  'Crédito;Queja;2;1;50,00;12,00;1;2,00',
  'Tesorería;Petición;1;1;100,00;3,00;0;',
  'Total;;4;3;75,00;7,00;1;2,00',
];
const ES_TERMS = 'Petición 15, Queja 15, Reclamo 15, Sugerencia 15, Denuncia 15, Información / documentos 10, Consulta 30';

beforeAll(async () => {
  ch = await freshClickHouse();
  await seedOctober(ch);
  await insertTicketEvents(ch, TICKETS, 'report-tickets');
  ctx = { ch, log: pino({ level: 'silent' }), defaultTz: 'UTC' };
});
afterAll(async () => {
  await ch?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

const req = { site: SITE, month: '2026-10', queues: [] as string[], nowMs: NOW_MS };

/** The lines of a CSV section, from its title to the blank line that ends it. */
function sectionOf(lines: string[], title: string): string[] {
  const i = lines.indexOf(title);
  if (i < 0) return [];
  const end = lines.indexOf('', i);
  return lines.slice(i, end);
}

describe('escalations section', () => {
  it('CSV: per area and type, the total, open and overdue at month end, the terms; between the agents and the definitions', async () => {
    const lines = (await exportMonthly(ctx, { ...req, format: 'csv', lang: 'es' })).body.toString('utf8').split('\r\n');
    const title = 'Escalamientos (PQRSD) cerrados en el mes';
    expect(sectionOf(lines, title)).toEqual([
      title,
      ES_HEADER,
      ...ES_ROWS,
      'Abiertos y vencidos al cierre del mes;1',
      `Términos (días hábiles);${ES_TERMS}`,
      // Quoted: the text holds the separator.
      'Definición de escalamientos;"oportunidad = cerrados en término / cerrados en el mes; días de respuesta = días hábiles desde la radicación hasta la primera respuesta (o el cierre); ATL = promedio de días hábiles de retraso de los cerrados fuera de término; días hábiles legales = los días hábiles de la semana (lunes a viernes, salvo que la configuración nombre otros) menos los feriados nacionales y los del sitio; el horario de atención no agrega días: solo fija el cierre de cada día (lo radicado después del cierre se recibe el siguiente día hábil, y un término vence al cierre de su último día)"',
    ]);
    // The definitions state the legal calendar: Bolivian holidays from D's receipt (10 Sep) to E's
    // due day (17 Nov: E, open at the month's end, was checked for being overdue).
    expect(lines).toContain('Días hábiles legales (escalamientos);lun, mar, mié, jue, vie');
    expect(lines).toContain('Feriados de los términos legales (escalamientos);"Bolivia (BO); del 2026-09-10 al 2026-11-17: 2026-11-02 Todos Santos"');
    const at = (l: string): number => lines.indexOf(l);
    expect(at('Por agente')).toBeLessThan(at(title));
    expect(at(title)).toBeLessThan(at('Definiciones por cola'));
    // The queue figures are those of the month without tickets.
    expect(lines).toContain('101;8;6;5;2;1;1;0;0;0;0;1;0;1;62,50;atendidas dentro de T / llamadas recibidas;20;80,00;No;12,50;25,00;13,83;30,00;114,00;300');
  });

  it('CSV in English with "," and decimal points', async () => {
    const lines = (await exportMonthly(ctx, { ...req, format: 'csv', lang: 'en' })).body.toString('utf8').split('\r\n');
    expect(sectionOf(lines, 'Escalations (PQRSD) closed in the month').slice(1, 7)).toEqual([
      'Responsible area,Type,Closed,Closed on time,On-time rate (%),Average business days to answer,Closed late,Average days late ATL (business days)',
      '(not escalated),Suggestion,1,1,100.00,1.00,0,',
      'Crédito,Complaint,2,1,50.00,12.00,1,2.00',
      'Tesorería,Request,1,1,100.00,3.00,0,',
      'Total,,4,3,75.00,7.00,1,2.00',
      'Open and overdue at month end,1',
    ]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await exportMonthly(ctx, { ...req, format: 'xlsx', lang: 'en' })).body as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Summary', 'By day', 'By hour', 'By agent', 'Escalations', 'Definitions']);
    expect(wb.getWorksheet('Escalations')?.getCell('B2').value).toBe('Suggestion');
  });

  it('the queue filter does not filter the escalations (they belong to the site)', async () => {
    const text = (await exportMonthly(ctx, { ...req, queues: ['102'], format: 'csv', lang: 'es' })).body.toString('utf8');
    expect(text).toContain(`\r\n${ES_ROWS[3]}\r\n`);
  });

  it('XLSX: a sheet of its own before the definitions, numbers as numbers', async () => {
    const out = await exportMonthly(ctx, { ...req, format: 'xlsx', lang: 'es' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(out.body as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Resumen', 'Por día', 'Por hora', 'Por agente', 'Escalamientos', 'Definiciones']);
    const ws = wb.getWorksheet('Escalamientos') as ExcelJS.Worksheet;
    const values = ws.getSheetValues().slice(1).map((r) => (Array.isArray(r) ? r.slice(1) : r));
    expect(values.slice(0, 5)).toEqual([
      ES_HEADER.split(';'),
      ['(sin escalar)', 'Sugerencia', 1, 1, 1, 1, 0],
      ['Crédito', 'Queja', 2, 1, 0.5, 12, 1, 2],
      ['Tesorería', 'Petición', 1, 1, 1, 3, 0],
      ['Total', '', 4, 3, 0.75, 7, 1, 2],
    ]);
    expect(ws.getCell('E3').numFmt).toBe('0.00%');
    expect(ws.getCell('F3').numFmt).toBe('0.00');
    expect(ws.getCell('C3').type).toBe(ExcelJS.ValueType.Number);
    // A closed group with no late ticket has no ATL: an empty cell, never 0.
    expect(ws.getCell('H2').value).toBeNull();
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    // One blank row under the table, then the lines.
    expect(ws.getRow(6).cellCount).toBe(0);
    expect(ws.getCell('A7').value).toBe('Abiertos y vencidos al cierre del mes');
    expect(ws.getCell('B7').value).toBe(1);
    expect(ws.getCell('A8').value).toBe('Términos (días hábiles)');
    expect(ws.getCell('B8').value).toBe(ES_TERMS);
  });

  it('PDF: a page of its own before the definitions', async () => {
    const file = join(tmp, 'october-esc.pdf');
    writeFileSync(file, (await exportMonthly(ctx, { ...req, format: 'pdf', lang: 'es' })).body);
    const pages = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).split('\f').filter((p) => p.trim().length > 0);
    expect(pages).toHaveLength(4);
    const esc = pages[2] ?? '';
    expect(esc).toContain('Escalamientos (PQRSD) cerrados en el mes');
    expect(esc).toMatch(/\(sin escalar\)\s+Sugerencia\s+1\s+1\s+100,00\s+1,00\s+0\s+-/);
    expect(esc).toMatch(/Crédito\s+Queja\s+2\s+1\s+50,00\s+12,00\s+1\s+2,00/);
    expect(esc).toMatch(/Tesorería\s+Petición\s+1\s+1\s+100,00\s+3,00\s+0\s+-/);
    expect(esc).toMatch(/Total\s+4\s+3\s+75,00\s+7,00\s+1\s+2,00/);
    expect(esc).toMatch(/Abiertos y vencidos al cierre del mes\s+1/);
    expect(esc).toContain('Página 3 de 4');
    expect(pages[3]).toContain('Definiciones por cola');
  });

  it('is frozen with the month: a late closing after the month was closed changes nothing', async () => {
    await closeMonth(ctx, { site: SITE, month: '2026-10', closedBy: 'mario', nowMs: NOW_MS });
    // E closed on 31 October, stored only after the closing.
    await insertTicketEvents(ch, [ev('E', 'closed', lapaz(2026, 10, 31, 18, 0))], 'late-ticket');
    const lines = (await exportMonthly(ctx, { ...req, format: 'csv', lang: 'es', nowMs: NOW_MS + 3_600_000 })).body.toString('utf8').split('\r\n');
    expect(lines).toContain('Total;;4;3;75,00;7,00;1;2,00');
    // Closing again takes it: 5 closed, E on time with Jurídica: Saturday 31 Oct belongs to Tuesday
    // 3 Nov (Monday 2 is Todos Santos), 5 days from Monday 26 Oct (27-30 Oct, 3 Nov).
    await closeMonth(ctx, { site: SITE, month: '2026-10', closedBy: 'mario', nowMs: NOW_MS + 7_200_000 });
    const again = (await exportMonthly(ctx, { ...req, format: 'csv', lang: 'es', nowMs: NOW_MS + 10_800_000 })).body.toString('utf8').split('\r\n');
    expect(again).toContain('Jurídica;Reclamo;1;1;100,00;5,00;0;');
    expect(again).toContain('Total;;5;4;80,00;6,60;1;2,00');
  });

  it('a month with no ticket closed and none open and overdue at its end adds no section', async () => {
    // September: F closed (so September has a section); August: D and F not opened yet.
    const sep = (await exportMonthly(ctx, { ...req, month: '2026-09', format: 'csv', lang: 'es' })).body.toString('utf8');
    expect(sep).toContain('\r\nCrédito;Queja;1;1;100,00;7,00;0;\r\n');
    const aug = await exportMonthly(ctx, { ...req, month: '2026-08', format: 'xlsx', lang: 'es' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(aug.body as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Resumen', 'Por día', 'Por hora', 'Por agente', 'Definiciones']);
    const csv = (await exportMonthly(ctx, { ...req, month: '2026-08', format: 'csv', lang: 'es' })).body.toString('utf8');
    expect(csv).not.toContain('Escalamientos');
  });
});
