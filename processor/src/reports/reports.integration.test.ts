// Monthly indicator reports on real embedded ClickHouse: a generated month whose figures were
// checked by hand (see testing/month-fixture.ts), exported as CSV (golden file), XLSX (read back
// with exceljs) and PDF (text through poppler's pdftotext, first page rendered with pdftoppm and
// kept under test-artifacts/); then closing the month, late lines and re-exports.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshClickHouse } from '../testing/clickhouse.ts';
import { createStore } from '../store/store.ts';
import { saveSettingsVersion } from '../store/settings-store.ts';
import { closeMonth, closedMonthsStatus, computeMonthlyReport, exportMonthly, ReportRequestError, type ReportContext } from './service.ts';
import { lapaz, NOW_MS, seedOctober, stint } from './testing/month-fixture.ts';
import type { ClickHouse } from '@tablero/sql';

const REPO = resolve(fileURLToPath(new URL('../../../', import.meta.url)));
const GOLDEN = fileURLToPath(new URL('./testdata/october-2026-es.csv', import.meta.url));
const ARTIFACTS = join(REPO, 'test-artifacts', 'reports');

let ch: ClickHouse & { dispose(): Promise<void> };
let ctx: ReportContext;
const tmp = mkdtempSync(join(tmpdir(), 'tablero-reports-'));

beforeAll(async () => {
  ch = await freshClickHouse();
  await seedOctober(ch);
  // The calendar's time zone wins over the site default given here.
  ctx = { ch, log: pino({ level: 'silent' }), defaultTz: 'UTC' };
});
afterAll(async () => {
  await ch?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

const req = { site: 'default', month: '2026-10', queues: [] as string[], nowMs: NOW_MS };

describe('CSV', () => {
  it('matches the golden file byte for byte (Spanish, ";" and decimal commas)', async () => {
    const out = await exportMonthly(ctx, { ...req, format: 'csv', lang: 'es' });
    expect(out.filename).toBe('tablero-default-2026-10.csv');
    expect(out.content_type).toBe('text/csv; charset=utf-8');
    expect(out.closed).toBe(false);
    expect(out.body.equals(readFileSync(GOLDEN))).toBe(true);
  });

  it('has the hand-checked figures', async () => {
    const text = (await exportMonthly(ctx, { ...req, format: 'csv', lang: 'es' })).body.toString('utf8');
    expect(text.startsWith('\uFEFFInforme mensual de indicadores;2026-10\r\n')).toBe(true);
    const lines = text.split('\r\n');
    // 101: O = 6 answered + abandoned + timeout (refused and out of hours apart); A_T = waits 10, 20, 5, 8, 15;
    // SL 5/8; ASA 83/6; AHT 570/5 (one answered without talk); longest 300 (the timeout).
    expect(lines).toContain('101;8;6;5;2;1;1;0;0;0;0;1;0;1;62,50;atendidas dentro de T / llamadas recibidas;20;80,00;No;12,50;25,00;13,83;30,00;114,00;300');
    // 102 (formula answered, T 30, short abandon < 5 s): A_T = 1 (wait 30 inclusive), SL 1/2, the 3 s abandon apart, the restart cut nowhere.
    expect(lines).toContain('102;4;2;1;2;1;0;0;1;0;0;0;1;0;50,00;atendidas dentro de T / atendidas;30;90,00;No;25,00;50,00;30,50;40,00;200,00;40');
    expect(lines).toContain('101;2026-10-02;3;2;2;1;0;1;0;0;0;0;1;0;1;66,67;80,00;No;0,00;33,33;6,50;;120,00;300');
    // The last minute of October in La Paz is November 1st in UTC: it is October's.
    expect(lines).toContain('101;2026-10-31;1;1;1;0;0;0;0;0;0;0;0;0;0;100,00;80,00;Sí;0,00;0,00;15,00;;90,00;15');
    expect(lines).toContain('101;08:00;2;2;2;0;0;0;0;0;0;0;0;0;0;100,00;80,00;Sí;0,00;0,00;15,00;;150,00;20');
    expect(lines.filter((l) => l.startsWith('101;2026-10-'))).toHaveLength(31);
    expect(lines.filter((l) => /^102;\d\d:00;/.test(l))).toHaveLength(24);
    // By agent: the out-of-hours call of ana is not counted; '' is shown as "(sin agente)".
    expect(lines).toContain('101;ana;3;15,00;130,00');
    expect(lines).toContain('101;(sin agente);1;8,00;');
    expect(lines).toContain('102;maría;2;30,50;200,00');
    expect(lines).toContain('102;answered: atendidas dentro de T / atendidas;30;No;5;No;No;90,00;1 / 0');
    expect(lines).toContain('Huella de datos;16-a87bb3cc617ca6bd (16 estadías en cola)');
    expect(lines.at(-2)).toBe('Generado;2026-11-02 08:00:00 -04:00 (America/La_Paz)');
  });

  it('in English with "," uses decimal points and the English words', async () => {
    const text = (await exportMonthly(ctx, { ...req, format: 'csv', lang: 'en' })).body.toString('utf8');
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('\uFEFFMonthly indicator report,2026-10');
    expect(lines[3]?.startsWith('Queue,Offered calls,Answered calls,Answered within T,Unanswered calls,Abandoned calls,')).toBe(true);
    expect(lines).toContain('101,8,6,5,2,1,1,0,0,0,0,1,0,1,62.50,answered within T / offered,20,80.00,No,12.50,25.00,13.83,30.00,114.00,300');
    expect(lines).toContain('Site calendar,Mon 07:00-24:00; Tue 07:00-24:00; Wed 07:00-24:00; Thu 07:00-24:00; Fri 07:00-24:00; Sat 07:00-24:00; Sun 07:00-24:00');
    // The holidays on their own line; no escalations this month, so no legal-term lines.
    expect(lines).toContain('Site calendar holidays (call figures),none');
    expect(lines.some((l) => l.startsWith('Legal business days'))).toBe(false);
  });

  it('one queue only, with the glossary header when every queue shares T', async () => {
    const text = (await exportMonthly(ctx, { ...req, queues: ['101'], format: 'csv', lang: 'es' })).body.toString('utf8');
    expect(text).toContain('Cola;Llamadas recibidas;Llamadas atendidas;Atendidas en 20 s o menos;');
    expect(text).not.toContain('\r\n102;');
  });
});

describe('XLSX', () => {
  it('reads back with sheets, typed cells, percent formats and frozen headers', async () => {
    const out = await exportMonthly(ctx, { ...req, format: 'xlsx', lang: 'es' });
    expect(out.filename).toBe('tablero-default-2026-10.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(out.body as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Resumen', 'Por día', 'Por hora', 'Por agente', 'Definiciones']);
    const s = wb.getWorksheet('Resumen') as ExcelJS.Worksheet;
    expect(s.getCell('A1').value).toBe('Informe mensual de indicadores 2026-10');
    expect(s.getCell('A2').value).toBe('Mes abierto: cifras calculadas con los datos actuales');
    expect(s.getRow(4).values).toEqual([
      undefined, 'Cola', 'Llamadas recibidas', 'Llamadas atendidas', 'Atendidas dentro de T', 'Llamadas no atendidas', 'Llamadas abandonadas',
      'Salida por tiempo máximo', 'Salida por tecla', 'Salida sin agentes', 'Retiradas', 'Fallidas', 'Rechazadas (no ingresaron)', 'Abandono corto',
      'Fuera de horario', 'Nivel de servicio (%)', 'Fórmula NS', 'T (s)', 'Meta (%)', 'Cumple', 'Abandono (%)', 'No atendidas (%)',
      'Tiempo promedio de espera ASA (s)', 'Espera promedio de abandono (s)', 'Tiempo promedio de conversación AHT (s)', 'Espera máxima (s)',
    ]);
    expect(s.getRow(5).values).toEqual([
      undefined, '101', 8, 6, 5, 2, 1, 1, 0, 0, 0, 0, 1, 0, 1, 0.625, 'atendidas dentro de T / llamadas recibidas', 20, 0.8, 'No', 0.125, 0.25, 13.83, 30, 114, 300,
    ]);
    expect(s.getCell('B5').type).toBe(ExcelJS.ValueType.Number);
    expect(s.getCell('O5').numFmt).toBe('0.00%');
    expect(s.getCell('V5').numFmt).toBe('0.00');
    expect(s.getCell('X5').value).toBe(114);
    expect(s.views[0]).toMatchObject({ state: 'frozen', ySplit: 4, xSplit: 1 });
    expect(s.getColumn(1).width).toBeGreaterThanOrEqual(6);

    const day = wb.getWorksheet('Por día') as ExcelJS.Worksheet;
    expect(day.rowCount).toBe(1 + 62);
    expect(day.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(day.getRow(3).values).toEqual([undefined, '101', '2026-10-02', 3, 2, 2, 1, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0.6667, 0.8, 'No', 0, 0.3333, 6.5, null, 120, 300].map((v) => (v === null ? undefined : v)));
    // A day without calls has no SL: an empty cell, never 0 %.
    expect(day.getCell('P4').value).toBeNull();
    const hour = wb.getWorksheet('Por hora') as ExcelJS.Worksheet;
    expect(hour.rowCount).toBe(1 + 48);
    expect(hour.getCell('B10').value).toBe('08:00');
    expect(hour.getCell('P10').value).toBe(1);
    const agents = wb.getWorksheet('Por agente') as ExcelJS.Worksheet;
    expect(agents.getSheetValues().slice(1).map((r) => (r as unknown[]).slice(1))).toEqual([
      ['Cola', 'Agente', 'Llamadas atendidas', 'Tiempo promedio de espera ASA (s)', 'Tiempo promedio de conversación AHT (s)'],
      ['101', '(sin agente)', 1, 8],
      ['101', 'ana', 3, 15, 130],
      ['101', 'luis', 2, 15, 90],
      ['102', 'maría', 2, 30.5, 200],
    ]);
    const defs = wb.getWorksheet('Definiciones') as ExcelJS.Worksheet;
    const pairs = new Map<string, unknown>();
    defs.eachRow((r) => pairs.set(String(r.getCell(1).value), r.getCell(2).value));
    expect(pairs.get('Zona horaria')).toBe('America/La_Paz');
    expect(pairs.get('Huella de datos')).toBe('16-a87bb3cc617ca6bd (16 estadías en cola)');
    expect(pairs.get('Generado')).toBe('2026-11-02 08:00:00 -04:00 (America/La_Paz)');
    expect(wb.created.toISOString()).toBe('2026-10-01T04:00:00.000Z');
  });

  it('is deterministic: the same month and generation time give the same bytes', async () => {
    const a = await exportMonthly(ctx, { ...req, format: 'xlsx', lang: 'en' });
    await new Promise((r) => setTimeout(r, 2100)); // ZIP times have a 2-second resolution
    const b = await exportMonthly(ctx, { ...req, format: 'xlsx', lang: 'en' });
    expect(a.body.equals(b.body)).toBe(true);
  });
});

describe('PDF', () => {
  it('has the figures, the charts, the definitions, page numbers and the fingerprint; first page kept as PNG', async () => {
    const out = await exportMonthly(ctx, { ...req, format: 'pdf', lang: 'es' });
    expect(out.content_type).toBe('application/pdf');
    const file = join(tmp, 'october.pdf');
    writeFileSync(file, out.body);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    const pages = text.split('\f').filter((p) => p.trim().length > 0);
    expect(pages).toHaveLength(3);
    expect(pages[0]).toContain('Informe mensual de indicadores 2026-10');
    expect(pages[0]).toMatch(/101\s+8\s+6\s+5\s+2\s+1\s+62,50\s+20\s+80,00\s+No\s+12,50\s+13,83\s+114,00\s+300/);
    expect(pages[0]).toMatch(/102\s+4\s+2\s+1\s+2\s+1\s+50,00\s+30\s+90,00\s+No\s+25,00\s+30,50\s+200,00\s+40/);
    expect(pages[0]).toContain('Llamadas no atendidas por resultado');
    expect(pages[1]).toContain('Nivel de servicio por día, cola 101');
    expect(pages[1]).toContain('Nivel de servicio por día, cola 102');
    expect(pages[1]).toContain('Meta 80');
    expect(pages[1]).toContain('Meta 90');
    expect(pages[2]).toContain('Definiciones por cola');
    expect(pages[2]).toMatch(/Generado\s+2026-11-02 08:00:00 -04:00 \(America\/La_Paz\)/);
    pages.forEach((p, i) => {
      expect(p).toContain(`Página ${i + 1} de 3`);
      expect(p).toContain('Huella de datos: 16-a87bb3cc617ca6bd');
    });
    mkdirSync(ARTIFACTS, { recursive: true });
    execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', file, join(ARTIFACTS, 'october-2026-es-page1')]);
    const png = readFileSync(join(ARTIFACTS, 'october-2026-es-page1.png'));
    expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    // pdftoppm renders the chart page too: the vectors replayed from the ECharts SVG are valid PDF.
    execFileSync('pdftoppm', ['-png', '-r', '50', '-f', '2', '-l', '2', '-singlefile', file, join(ARTIFACTS, 'october-2026-es-page2')]);
  });

  it('is deterministic: the same month and generation time give the same bytes', async () => {
    const a = await exportMonthly(ctx, { ...req, format: 'pdf', lang: 'en' });
    await new Promise((r) => setTimeout(r, 1100));
    const b = await exportMonthly(ctx, { ...req, format: 'pdf', lang: 'en' });
    expect(a.body.equals(b.body)).toBe(true);
  });
});

describe('closed months', () => {
  const withoutGenerated = (csv: Buffer): string[] => csv.toString('utf8').split('\r\n').filter((l) => !l.startsWith('Generado;'));

  it('refuses to close a month that is not over', async () => {
    const err = await closeMonth(ctx, { site: 'default', month: '2026-11', closedBy: 'mario', nowMs: NOW_MS }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReportRequestError);
    expect((err as ReportRequestError).code).toBe('month_not_over');
  });

  it('keeps the figures of the closing through late lines and settings changes, and warns', async () => {
    const open = await exportMonthly(ctx, { ...req, format: 'csv', lang: 'es' });
    const closed = await closeMonth(ctx, { site: 'default', month: '2026-10', closedBy: 'mario', nowMs: NOW_MS });
    expect(closed).toEqual({ site: 'default', month: '2026-10', version: 1, fingerprint: '16-a87bb3cc617ca6bd', stints: 16, queues: 2 });

    const first = await exportMonthly(ctx, { ...req, format: 'csv', lang: 'es', nowMs: NOW_MS + 3_600_000 });
    const second = await exportMonthly(ctx, { ...req, format: 'csv', lang: 'es', nowMs: NOW_MS + 7_200_000 });
    expect(first.closed).toBe(true);
    expect(first.data_changed).toBe(false);
    const listed = { month: '2026-10', version: 1, closed_at_ms: NOW_MS, closed_by: 'mario', fingerprint: '16-a87bb3cc617ca6bd', stints: 16 };
    expect(await closedMonthsStatus(ctx, 'default')).toEqual([{ ...listed, live_fingerprint: '16-a87bb3cc617ca6bd', data_changed: false }]);
    // Two exports of a closed month differ in the generation line only.
    const a = first.body.toString('utf8').split('\r\n');
    const b = second.body.toString('utf8').split('\r\n');
    expect(a.length).toBe(b.length);
    expect(a.filter((l, i) => l !== b[i])).toEqual(['Generado;2026-11-02 09:00:00 -04:00 (America/La_Paz)']);
    // Same figures as the open export; only the status lines say it is closed.
    const status = (l: string): boolean => l.startsWith('Estado del mes;') || l.startsWith('Advertencia;');
    expect(withoutGenerated(first.body).filter((l) => !status(l))).toEqual(withoutGenerated(open.body).filter((l) => !status(l)));
    expect(a).toContain('Estado del mes;Mes cerrado el 2026-11-02 08:00:00 -04:00 por mario (versión 1): cifras congeladas al cierre');
    expect(a).toContain('Advertencia;Los datos no cambiaron desde el cierre');

    // Late lines for October (a slow answer and a re-imported abandon) and a new target for 101.
    await createStore(ch).insertStints(
      [stint('default', '101', lapaz(2026, 10, 20, 12, 0), 'answered', 90, 60, 'luis'), stint('default', '101', lapaz(2026, 10, 21, 12, 0), 'abandoned', 12, null)],
      0,
      'late-october',
    );
    // A new target valid from now leaves October's calls alone (each is judged by the definition
    // in force when it entered); one valid from October 1st restates October.
    await saveSettingsVersion(ch, { site: 'default', queue: '101', patch: { target_pct: 70 }, validFromMs: NOW_MS, createdBy: 'ana', nowMs: NOW_MS });
    const unchanged = await computeMonthlyReport(ctx, { site: 'default', month: '2026-10', queues: ['101'], nowMs: NOW_MS + 3_600_000 });
    expect(unchanged.queues[0]?.definition.target_pct).toBe(80);
    await saveSettingsVersion(ch, { site: 'default', queue: '101', patch: { target_pct: 70 }, validFromMs: lapaz(2026, 10, 1, 0, 0) * 1000, createdBy: 'ana', nowMs: NOW_MS });
    const live = await computeMonthlyReport(ctx, { site: 'default', month: '2026-10', queues: ['101'], nowMs: NOW_MS + 3_600_000 });
    expect(live.queues[0]?.summary.offered).toBe(10);
    expect(live.queues[0]?.definition.target_pct).toBe(70);

    const after = await exportMonthly(ctx, { ...req, format: 'csv', lang: 'es', nowMs: NOW_MS + 7_200_000 });
    expect(after.closed).toBe(true);
    expect(after.data_changed).toBe(true);
    // The list of closed months says so too, with the fingerprint of now.
    const [late] = await closedMonthsStatus(ctx, 'default');
    expect(late).toEqual({ ...listed, live_fingerprint: expect.stringMatching(/^18-[0-9a-f]{16}$/) as unknown, data_changed: true });
    const warning = after.warning ?? '';
    expect(warning).toMatch(
      /^ADVERTENCIA: los datos cambiaron desde el cierre \(huella al cierre 16-a87bb3cc617ca6bd, 16 estadías; ahora 18-[0-9a-f]{16}, 18 estadías\)\. Las cifras son las del cierre\.$/,
    );
    const c = after.body.toString('utf8').split('\r\n');
    // Quoted: the text holds the separator.
    expect(c[1]).toBe(`"${warning}"`);
    expect(c).toContain(`Advertencia;"${warning}"`);
    // Every figure line is the closing's.
    const figuresOnly = (lines: string[]): string[] => lines.filter((l) => /^10[12];/.test(l));
    expect(figuresOnly(c)).toEqual(figuresOnly(b));
    expect(figuresOnly(c)).toContain('101;8;6;5;2;1;1;0;0;0;0;1;0;1;62,50;atendidas dentro de T / llamadas recibidas;20;80,00;No;12,50;25,00;13,83;30,00;114,00;300');

    // The warning is in the XLSX and the PDF too.
    const xlsx = await exportMonthly(ctx, { ...req, format: 'xlsx', lang: 'es', nowMs: NOW_MS + 7_200_000 });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as unknown as ExcelJS.Buffer);
    expect(wb.getWorksheet('Resumen')?.getCell('A2').value).toBe(warning);
    const pdfFile = join(tmp, 'changed.pdf');
    writeFileSync(pdfFile, (await exportMonthly(ctx, { ...req, format: 'pdf', lang: 'es', nowMs: NOW_MS + 7_200_000 })).body);
    expect(execFileSync('pdftotext', [pdfFile, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ')).toContain('ADVERTENCIA: los datos cambiaron desde el cierre');

    // Closing again takes the new data and settings (version 2): no warning any more.
    const again = await closeMonth(ctx, { site: 'default', month: '2026-10', closedBy: 'ana', nowMs: NOW_MS + 10_800_000 });
    expect(again.version).toBe(2);
    expect(again.stints).toBe(18);
    const fresh = await exportMonthly(ctx, { ...req, format: 'csv', lang: 'es', nowMs: NOW_MS + 14_400_000 });
    expect(fresh.data_changed).toBe(false);
    expect((await closedMonthsStatus(ctx, 'default')).map((m) => [m.version, m.closed_by, m.stints, m.data_changed])).toEqual([[2, 'ana', 18, false]]);
    expect(fresh.body.toString('utf8')).toContain('\r\n101;10;7;5;3;2;1;0;0;0;0;1;0;1;50,00;atendidas dentro de T / llamadas recibidas;20;70,00;No;20,00;30,00;');
  });
});
