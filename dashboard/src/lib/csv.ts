// CSV of any table the dashboard shows: RFC 4180 quoting, CRLF line ends, and a UTF-8 byte
// order mark so Excel opens accents (Llamadas atendidas, Baño) correctly. Numbers are written
// without grouping in the user's convention, the one a spreadsheet of that language reads as
// numbers: Spanish Excel splits on `;` and reads `84,62`; English Excel splits on `,` and reads
// `84.62`.

import type { Lang } from './format.ts';

import { downloadBlob } from './download.ts';

export type Cell = string | number | boolean | null;

export interface CsvConvention {
  separator: ',' | ';';
  decimal: '.' | ',';
}

export const CSV_CONVENTIONS: Record<Lang, CsvConvention> = {
  es: { separator: ';', decimal: ',' },
  en: { separator: ',', decimal: '.' },
};

/** A cell as text; quoted only when it holds a quote, a line break or the separator. */
function cell(v: Cell, c: CsvConvention): string {
  if (v === null) return '';
  const text = typeof v === 'number' ? (Number.isFinite(v) ? String(v).replace('.', c.decimal) : '') : String(v);
  return text.includes(c.separator) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(headers: readonly string[], rows: ReadonlyArray<readonly Cell[]>, convention: CsvConvention = CSV_CONVENTIONS.en): string {
  return [headers, ...rows].map((r) => r.map((v) => cell(v, convention)).join(convention.separator)).join('\r\n') + '\r\n';
}

/** Offers `text` as a file download (the browser's own save dialog or downloads folder). */
export function downloadCsv(filename: string, text: string): void {
  downloadBlob(filename, new Blob(['\uFEFF', text], { type: 'text/csv;charset=utf-8' }));
}
