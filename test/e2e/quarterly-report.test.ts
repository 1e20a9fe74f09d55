// The quarterly complaints (PQRSD) report end to end (issue 17): the hand-worked tickets of
// processor/src/escalations/testing/quarter-fixture.ts stored in an embedded ClickHouse, the
// files downloaded through the dashboard's routes on the real processor report and read back
// (CSV as text, XLSX with exceljs, PDF with pdftotext): the same figures as the hand-worked
// test. Closing freezes the quarter: a late event changes the fingerprint and the warning, never
// the figures. Then the CLI: the tickets imported with `tablero import --kind tickets`, the
// quarter exported and closed with `tablero export quarterly|close-quarter`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '@tablero/sql';
import { buildApp } from '../../dashboard/server/app.ts';
import { captureLog, login, seedUsers, SECRET, TestBus, type LoggedIn } from '../../dashboard/server/testing/support.ts';
import { listAudit } from '../../dashboard/server/store/audit-store.ts';
import { QUARTER_EVENTS, quarterCsv, quarterEvent } from '../../processor/src/escalations/testing/quarter-fixture.ts';
import { quarterlyPort } from '../../src/commands/export-quarterly.ts';
import { freshClickHouse } from '../support/clickhouse.ts';
import { runTablero } from '../support/tablero-process.ts';

const NOW_MS = Date.UTC(2026, 9, 20, 15, 0, 0); // 2026-10-20: Q3 is over
let ch: Awaited<ReturnType<typeof freshClickHouse>>;
let app: Awaited<ReturnType<typeof buildApp>>;
let manager: LoggedIn;
let supervisor: LoggedIn;
let dir: string;

beforeAll(async () => {
  ch = await freshClickHouse();
  await seedUsers(ch);
  await ch.client.insert({ table: TABLES.ticketEvents, format: 'JSONEachRow', values: QUARTER_EVENTS });
  const log = captureLog().log;
  app = await buildApp(
    { bus: new TestBus(), ch, log, now: () => NOW_MS, queryKpis: async () => [], quarterly: quarterlyPort(ch, log, 'bog', 'America/Bogota') },
    { sessionSecret: SECRET, siteTz: 'America/Bogota' },
  );
  manager = await login(app, 'mario');
  supervisor = await login(app, 'sofia');
  dir = mkdtempSync(join(tmpdir(), 'tablero-quarterly-'));
});
afterAll(async () => {
  await app?.close();
  await ch?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const get = (url: string, who = manager) => app.inject({ method: 'GET', url, headers: { cookie: who.cookie } });
const download = async (format: 'csv' | 'xlsx' | 'pdf', lang: 'es' | 'en') => {
  const res = await get(`/api/exports/quarterly?quarter=2026-Q3&format=${format}&lang=${lang}`);
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  return res;
};

/** The rows of a CSV section: from its title line to the blank line after it. */
function csvSection(text: string, title: string): string[] {
  const lines = text.replace(/^\uFEFF/, '').split('\r\n');
  const at = lines.indexOf(title);
  expect(at, `section ${title}`).toBeGreaterThan(-1);
  const end = lines.indexOf('', at);
  return lines.slice(at + 1, end);
}

function pdfText(body: Buffer, name: string): string {
  const file = join(dir, name);
  writeFileSync(file, body);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

describe('GET /api/exports/quarterly', () => {
  it('is for managers and admins, with a quarter YYYY-Qn', async () => {
    expect((await get('/api/exports/quarterly?quarter=2026-Q3', supervisor)).statusCode).toBe(403);
    expect((await get('/api/exports/quarterly?quarter=2026-Q3')).headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect((await get('/api/exports/quarterly?quarter=2026-13')).json()).toEqual({ code: 'TABLERO_ERR_BAD_QUERY', message: 'bad query parameter quarter: must be YYYY-Qn (n 1 to 4)' });
  });

  it('CSV (es): the consolidated tables with the hand-worked figures, decimal commas', async () => {
    const res = await download('csv', 'es');
    expect(res.headers['content-disposition']).toBe('attachment; filename="pqrsd-bog-2026-Q3.csv"');
    expect(res.headers['x-tablero-quarter']).toBe('open');
    const text = res.body;
    expect(text.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe('Informe trimestral de quejas y reclamos (PQRSD);2026-Q3');
    expect(csvSection(text, 'Por tipo')).toEqual([
      'Tipo;(1) Pendientes de períodos anteriores;(2) Recibidos en el trimestre;(3) Subtotal (1 + 2);(6) Resueltos en el trimestre;Resueltos en término;Resueltos fuera de término;Oportunidad (%);Días hábiles promedio de respuesta;(7) En trámite al cierre (3 - 6);En trámite y vencidos',
      'Consulta;0;1;1;0;0;0;;;1;0',
      'Información / documentos;0;1;1;0;0;0;;;1;0',
      'Petición;0;1;1;1;0;1;0,00;16,00;0;0',
      'Queja;2;1;3;2;1;1;50,00;14,50;1;1',
      'Total;2;4;6;3;1;2;33,33;15,00;3;1',
    ]);
    expect(csvSection(text, 'Por canal').slice(1)).toEqual([
      'email;1;1;2;2;0;2;0,00;17,00;0;0',
      'telefono;1;1;2;1;1;0;100,00;11,00;1;1',
      'web;0;2;2;0;0;0;;;2;0',
      'Total;2;4;6;3;1;2;33,33;15,00;3;1',
    ]);
    expect(csvSection(text, 'Por área').slice(1)).toEqual([
      '(sin escalar);0;1;1;0;0;0;;;1;0',
      'credito;1;2;3;2;1;1;50,00;13,50;1;0',
      'legal;1;1;2;1;0;1;0,00;18,00;1;1',
      'Total;2;4;6;3;1;2;33,33;15,00;3;1',
    ]);
    expect(csvSection(text, 'Estado al cierre')).toEqual([
      'Estado al cierre del trimestre;Tickets',
      'Cerrado en término;1',
      'Cerrado fuera de término;2',
      'En trámite, en término;2',
      'En trámite, vencido;1',
      'Total;6',
    ]);
    const tickets = csvSection(text, 'Tickets').slice(1).map((l) => l.split(';'));
    expect(tickets.map((r) => [r[0], r[5], r[7], r[8], r[9], r[12], r[13]])).toEqual([
      ['F', '2026-06-10', '2026-07-03', 'sí', 'Cerrado fuera de término', '18', '3'],
      ['A', '2026-06-26', '2026-07-21', 'sí', 'Cerrado en término', '11', '0'],
      ['B', '2026-07-15', '2026-08-06', 'no', 'Cerrado fuera de término', '16', '1'],
      ['D', '2026-09-01', '2026-09-22', 'no', 'En trámite, vencido', '', '6'],
      ['C', '2026-09-21', '2026-10-05', 'no', 'En trámite, en término', '', '0'],
      ['G', '2026-09-30', '2026-11-13', 'no', 'En trámite, en término', '', '0'],
    ]);
    // From the earliest receipt (F, 10 Jun) to the latest due day (G, 13 Nov).
    expect(text).toContain('Festivos aplicados;"2026-06-15 Sagrado Corazón; 2026-06-29 San Pedro y San Pablo; 2026-07-20 Día de la Independencia; 2026-08-07 Batalla de Boyacá; 2026-08-17 Asunción de la Virgen; 2026-10-12 Día de la Raza; 2026-11-02 Todos los Santos"\r\n');
    expect(text).toContain('Huella de los datos (eventos-resumen);19-');
  });

  it('XLSX (en): the sheets read back with exceljs, percentages as fractions', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await download('xlsx', 'en')).rawPayload as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Summary', 'By type', 'By channel', 'By area', 'Status at end', 'Tickets', 'Definitions']);
    const byType = wb.getWorksheet('By type') as ExcelJS.Worksheet;
    const rows: unknown[][] = [];
    byType.eachRow((r) => rows.push((r.values as unknown[]).slice(1)));
    expect(rows.slice(1)).toEqual([
      ['Inquiry', 0, 1, 1, 0, 0, 0, undefined, undefined, 1, 0],
      ['Information / documents', 0, 1, 1, 0, 0, 0, undefined, undefined, 1, 0],
      ['Request', 0, 1, 1, 1, 0, 1, 0, 16, 0, 0],
      ['Complaint', 2, 1, 3, 2, 1, 1, 0.5, 14.5, 1, 1],
      ['Total', 2, 4, 6, 3, 1, 2, 0.3333, 15, 3, 1],
    ]);
    expect(byType.getCell(6, 8).numFmt).toBe('0.00%');
    const summary = wb.getWorksheet('Summary') as ExcelJS.Worksheet;
    expect(summary.getCell(1, 1).value).toBe('Quarterly complaints report (PQRSD) 2026-Q3');
    expect(summary.getCell(4, 2).value).toBe('2026-Q3 (2026-07-01 .. 2026-09-30)');
  });

  it('PDF (es and en): the total rows read back with pdftotext', async () => {
    const es = pdfText((await download('pdf', 'es')).rawPayload, 'q-es.pdf');
    expect(es).toContain('Informe trimestral de quejas y reclamos (PQRSD) 2026-Q3');
    expect(es).toMatch(/Queja\s+2\s+1\s+3\s+2\s+1\s+1\s+50,00\s+14,50\s+1\s+1/);
    expect(es).toMatch(/Total\s+2\s+4\s+6\s+3\s+1\s+2\s+33,33\s+15,00\s+3\s+1/);
    expect(es).toMatch(/En trámite, vencido\s+1/);
    const en = pdfText((await download('pdf', 'en')).rawPayload, 'q-en.pdf');
    expect(en).toMatch(/telefono\s+1\s+1\s+2\s+1\s+1\s+0\s+100.00\s+11.00\s+1\s+1/);
    expect(en).toMatch(/Total\s+2\s+4\s+6\s+3\s+1\s+2\s+33.33\s+15.00\s+3\s+1/);
  });
});

describe('closing a quarter', () => {
  it('freezes the figures: a late event changes the fingerprint and the warning, not the figures; the closing is audited', async () => {
    const before = (await download('csv', 'es')).body;
    const s = manager;
    expect((await app.inject({ method: 'POST', url: '/api/quarters/2026-Q4/close', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } })).json()).toMatchObject({ code: 'TABLERO_ERR_QUARTER_NOT_OVER' });
    const closed = await app.inject({ method: 'POST', url: '/api/quarters/2026-Q3/close', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, remoteAddress: '10.7.7.7' });
    expect(closed.statusCode, closed.body).toBe(201);
    const result = closed.json() as { version: number; fingerprint: string; tickets: number };
    expect([result.version, result.tickets]).toEqual([1, 6]);
    expect((await listAudit(ch)).find((r) => r.action === 'quarter_closed')).toMatchObject({ actor: 'mario', target: '2026-Q3', address: '10.7.7.7', detail: { after: { quarter: '2026-Q3', version: 1, tickets: 6 } } });
    // An answer to C that arrives late (dated inside the quarter).
    await ch.client.insert({ table: TABLES.ticketEvents, format: 'JSONEachRow', values: [quarterEvent('C', 'closed', '2026-09-25T10:00:00')] });
    const after = await download('csv', 'es');
    expect([after.headers['x-tablero-quarter'], after.headers['x-tablero-data-changed']]).toEqual(['closed', 'true']);
    expect(csvSection(after.body, 'Por tipo')).toEqual(csvSection(before, 'Por tipo'));
    expect(after.body).toMatch(/Advertencia: los datos de tickets cambiaron después del cierre \(huella actual 20-[0-9a-f]{16}\); el archivo tiene las cifras del cierre/);
    const list = (await get('/api/quarters')).json() as Array<{ quarter: string; data_changed: boolean; fingerprint: string }>;
    expect(list.map((q) => [q.quarter, q.data_changed, q.fingerprint])).toEqual([['2026-Q3', true, result.fingerprint]]);
  });
});

describe('the CLI', () => {
  it('tablero export quarterly and close-quarter on tickets imported from the CRM CSV', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tablero-quarterly-cli-'));
    const env = { TZ: 'America/Bogota', TABLERO_SITE: 'bog' };
    try {
      const csv = join(dataDir, 'tickets.csv');
      writeFileSync(csv, quarterCsv());
      const imported = await runTablero(['import', '--kind', 'tickets', '--site', 'bog', csv], { dataDir, env });
      expect(imported.code, imported.stderr).toBe(0);
      const out = join(dataDir, 'q3.csv');
      const bad = await runTablero(['export', 'quarterly', '--quarter', '2026-3', '--format', 'csv', '--out', out], { dataDir, env });
      expect([bad.code, bad.stderr.trim()]).toEqual([2, 'tablero export: --quarter must be YYYY-Qn, e.g. 2026-Q3']);
      const run = await runTablero(['export', 'quarterly', '--quarter', '2026-Q3', '--format', 'csv', '--lang', 'en', '--out', out], { dataDir, env });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/q3\.csv: \d+ bytes \(2026-Q3, open quarter\)/);
      expect(csvSection(readFileSync(out, 'utf8'), 'By type').slice(-1)).toEqual(['Total,2,4,6,3,1,2,33.33,15.00,3,1']);
      const close = await runTablero(['export', 'close-quarter', '--quarter', '2026-Q3'], { dataDir, env });
      expect(close.code, close.stderr).toBe(0);
      expect(JSON.parse(close.stdout)).toMatchObject({ site: 'bog', quarter: '2026-Q3', version: 1, tickets: 6 });
      const pdf = join(dataDir, 'q3.pdf');
      const again = await runTablero(['export', 'quarterly', '--quarter', '2026-Q3', '--format', 'pdf', '--out', pdf], { dataDir, env });
      expect(again.stdout).toMatch(/\(2026-Q3, closed quarter, frozen figures\)/);
      expect(execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' })).toMatch(/Total\s+2\s+4\s+6\s+3\s+1\s+2\s+33,33\s+15,00\s+3\s+1/);
      const audit = await runTablero(['audit', '--action', 'quarter_closed', '--lang', 'en'], { dataDir, env });
      expect(audit.stdout.split('\r\n')[2]).toMatch(/^2026-\d\d-\d\d \d\d:\d\d:\d\d,cli:[^,]+,quarter_closed,Quarter closed,2026-Q3,,/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});
