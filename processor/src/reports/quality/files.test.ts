// The quality report files read back: XLSX through exceljs (numbers stay numbers, percentages
// are fractions with a % format), PDF text through poppler's pdftotext.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { renderQualityReport } from './index.ts';
import { MARCH } from './testing.ts';

const NOW_MS = Date.UTC(2026, 3, 2, 13, 30, 5);
const tmp = mkdtempSync(join(tmpdir(), 'tablero-quality-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('renderQualityReport', () => {
  it('writes an XLSX whose sheets hold the figures as typed cells', async () => {
    const f = await renderQualityReport(MARCH, { format: 'xlsx', lang: 'es', nowMs: NOW_MS });
    expect([f.filename, f.content_type]).toEqual(['informe-calidad-2026-03.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(f.body as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Resumen', 'Por agente', 'Calibraciones', 'Analistas', 'Encuestas por cola', 'Encuestas por agente', 'Capacitación por equipo', 'Capacitación por agente', 'Definiciones']);
    const summary = wb.getWorksheet('Resumen');
    expect(summary?.getCell('A1').value).toBe('Informe mensual de calidad 2026-03');
    expect(summary?.getRow(6).values).toEqual([undefined, 'Reclamos', 1, 4, 3, 0.75, 87.5, 1, 0.6667, 1, 0.8333, 2]);
    const agents = wb.getWorksheet('Por agente');
    expect(agents?.getRow(2).values).toEqual([undefined, 'Ana', 'Reclamos', 4, 3, 0.75, 87.5, 1, 0.6667, 1, 0.8333, 2]);
    expect(agents?.getCell('E2').numFmt).toBe('0.00%');
    expect(agents?.getCell('F2').numFmt).toBe('0.00');
    const cal = wb.getWorksheet('Calibraciones');
    expect(cal?.getCell('H2').value).toBe(0.214);
    expect(cal?.getCell('H2').numFmt).toBe('0.000');
    expect(wb.getWorksheet('Encuestas por cola')?.getRow(2).values).toEqual([undefined, 'Total', 40, 2, 0.05, 6, 0.8333, 4.5, 4, 5]);
    // Training: tests, passed, average, pass rate (a fraction), previous average, trend, (agents: pass mark, below).
    expect(wb.getWorksheet('Capacitación por agente')?.getRow(2).values).toEqual([undefined, 'Ana', 'Reclamos', 2, 1, 72.5, 0.5, 70, 2.5, 70, 'No']);
    expect(wb.getWorksheet('Capacitación por agente')?.getRow(3).values).toEqual([undefined, 'Luis', '(sin equipo)', 1, 0, 60, 0, undefined, undefined, 70, 'Sí']);
    expect(wb.getWorksheet('Capacitación por equipo')?.getRow(3).values).toEqual([undefined, 'Reclamos', 1, 2, 1, 72.5, 0.5, 70, 2.5, 0]);
    // Same content, same bytes.
    expect((await renderQualityReport(MARCH, { format: 'xlsx', lang: 'es', nowMs: NOW_MS })).body.equals(f.body)).toBe(true);
  });

  it('writes a PDF with the tables in Spanish with decimal commas', async () => {
    const f = await renderQualityReport(MARCH, { format: 'pdf', lang: 'es', nowMs: NOW_MS });
    expect([f.filename, f.content_type]).toEqual(['informe-calidad-2026-03.pdf', 'application/pdf']);
    const file = join(tmp, f.filename);
    writeFileSync(file, f.body);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain('Informe mensual de calidad 2026-03');
    expect(flat).toContain('Ana Reclamos 4 3 75,00 87,50 100,00 66,67 100,00 83,33 2');
    expect(flat).toContain('Calibración quincenal 1772400000.77 2026-03-14 18:00 3 3 12,50 5,10 0,214 50,00');
    expect(flat).toContain('quique 1 7,25 0,00 benévolo');
    expect(flat).toContain('Total 40 2 5,00 6 83,33 4,50 4,00 5,00');
    expect(flat).toContain('Capacitación por agente');
    expect(flat).toContain('Ana Reclamos 2 1 72,50 50,00 70,00 2,50 70,00 No');
    expect(flat).toContain('Reclamos 1 2 1 72,50 50,00 70,00 2,50 0');
    expect(flat).toContain('Página 5 de 5');
    expect(execFileSync('pdfinfo', [file], { encoding: 'utf8' })).toMatch(/Pages:\s+5/);
  });

  it('writes the English PDF with decimal points', async () => {
    const f = await renderQualityReport(MARCH, { format: 'pdf', lang: 'en', nowMs: NOW_MS });
    expect(f.filename).toBe('quality-report-2026-03.pdf');
    const file = join(tmp, f.filename);
    writeFileSync(file, f.body);
    const flat = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(flat).toContain('Monthly quality report 2026-03');
    expect(flat).toContain('Ana Reclamos 4 3 75.00 87.50 100.00 66.67 100.00 83.33 2');
    expect(flat).toContain('rita 1 -1.50 100.00 aligned');
    expect(flat).toContain('Luis (no team) 1 0 60.00 0.00 - - 70.00 Yes');
  });
});
