// CSV of the monthly report: UTF-8 with a BOM (Excel only reads UTF-8 CSV with one), CRLF line
// ends (RFC 4180), one section per table (title line, header line, rows, blank line), then the
// definitions as label/value lines and the generation line last, so two exports of a closed
// month differ in that last line only.
//
// Numbers are plain numbers. Decimal mark decided by the separator: with `;` a decimal comma
// (what Excel in es-CO / es-BO expects: its list separator is `;` because `,` is the decimal
// mark), with `,` a decimal point. Percent and seconds always carry 2 decimals; counts none;
// "no data" (a zero denominator) is an empty cell, never 0.
import { kindDecimals, type CellValue, type ColumnKind, type ReportLayout, type SectionLayout, type Table } from './layout.ts';

export const CSV_SEPARATORS = [';', ','] as const;
export type CsvSeparator = (typeof CSV_SEPARATORS)[number];

const BOM = '\uFEFF';
const EOL = '\r\n';

/** Cells an office suite would run as a formula: neutralised with a leading apostrophe (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvText(s: string, sep: CsvSeparator): string {
  const safe = FORMULA_START.test(s) ? `'${s}` : s;
  return safe.includes(sep) || /["\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvCell(v: CellValue, kind: ColumnKind, sep: CsvSeparator): string {
  if (v === null) return '';
  if (typeof v === 'string') return csvText(v, sep);
  const d = kindDecimals(kind);
  const s = d === 0 ? String(v) : v.toFixed(d);
  return sep === ';' ? s.replace('.', ',') : s;
}

function section(table: Table, sep: CsvSeparator): string[] {
  return [
    csvText(table.name, sep),
    table.columns.map((c) => csvText(c.header, sep)).join(sep),
    ...table.rows.map((r) => r.map((v, i) => csvCell(v, table.columns[i]?.kind ?? 'text', sep)).join(sep)),
    '',
  ];
}

function sectionWithLines(s: SectionLayout, sep: CsvSeparator): string[] {
  return [
    ...section(s.table, sep).slice(0, -1),
    ...s.lines.map(([k, v]) => `${csvText(k, sep)}${sep}${csvCell(v, typeof v === 'number' ? 'int' : 'text', sep)}`),
    '',
  ];
}

export function writeCsv(layout: ReportLayout, sep: CsvSeparator): Buffer {
  const lines: string[] = [
    [csvText(layout.title, sep), csvText(layout.period, sep)].join(sep),
    ...(layout.warning ? [csvText(layout.warning, sep)] : []),
    '',
    ...section(layout.summary, sep),
    ...section(layout.by_day, sep),
    ...section(layout.by_hour, sep),
    ...section(layout.by_agent, sep),
    // Escalations only when the month has some (see escalationsToReport): no section, no change.
    ...(layout.escalations ? sectionWithLines(layout.escalations, sep) : []),
    // The funnel only when the site has funnel services configured (TABLERO_FUNNEL).
    ...(layout.funnel ? sectionWithLines(layout.funnel, sep) : []),
    // Other channels only when the month has contacts (chat, email...).
    ...(layout.channels ? sectionWithLines(layout.channels, sep) : []),
    ...section(layout.queue_definitions, sep),
    csvText(layout.t.def.source, sep),
    ...layout.definitions.map(([k, v]) => `${csvText(k, sep)}${sep}${csvText(v, sep)}`),
    `${csvText(layout.generated[0], sep)}${sep}${csvText(layout.generated[1], sep)}`,
  ];
  return Buffer.from(BOM + lines.join(EOL) + EOL, 'utf8');
}
