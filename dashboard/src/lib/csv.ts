// CSV of any table the dashboard shows: RFC 4180 quoting, CRLF line ends, and a UTF-8 byte
// order mark so Excel opens accents (Llamadas atendidas, Baño) correctly. Numbers are written
// with a decimal point and no grouping, so any spreadsheet reads them as numbers.

import { downloadBlob } from './download.ts';

export type Cell = string | number | boolean | null;

function cell(v: Cell): string {
  if (v === null) return '';
  const text = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\r\n;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(headers: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string {
  return [headers, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** Offers `text` as a file download (the browser's own save dialog or downloads folder). */
export function downloadCsv(filename: string, text: string): void {
  downloadBlob(filename, new Blob(['\uFEFF', text], { type: 'text/csv;charset=utf-8' }));
}
