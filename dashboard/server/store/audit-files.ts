// The audit trail as files: CSV (UTF-8 with BOM, `;` in Spanish and `,` in English, CRLF) and
// XLSX (exceljs), one row per entry, oldest first, times in the site time zone. Before and after
// are the stored JSON (secrets were redacted when recorded).
import { createRequire } from 'node:module';
import type ExcelJS from 'exceljs';
import { AUDIT_ACTION_NAMES, AUDIT_FILE_COLUMNS, AUDIT_FILE_TITLES, isAuditAction } from '../../shared/audit.ts';
import type { ClickHouse } from '@tablero/sql';
import { localTime, parseAuditQuery } from '../core/audit-query.ts';
import { USER_ACTIONS, allAudit, type AuditFilter, type AuditRow } from './audit-store.ts';

/** exceljs (~0.4 s to load) only when an XLSX is asked for: the dashboard starts without it. */
const exceljs = (): typeof ExcelJS => createRequire(import.meta.url)('exceljs') as typeof ExcelJS;

export type AuditFileFormat = 'csv' | 'xlsx';
export const AUDIT_FILE_FORMATS: readonly AuditFileFormat[] = ['csv', 'xlsx'];

/** Cells an office suite would run as a formula are neutralised (OWASP CSV injection). */
function csvText(s: string, sep: string): string {
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return safe.includes(sep) || /["\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One entry as the file's cells, in AUDIT_FILE_COLUMNS order. */
export function auditCells(r: AuditRow, lang: 'es' | 'en', tz: string): string[] {
  const d = (r.detail ?? {}) as Record<string, unknown>;
  const { before, after, ...rest } = d;
  const json = (v: unknown): string => (v === undefined || v === null ? '' : JSON.stringify(v));
  return [
    localTime(r.at_ms, tz),
    r.actor,
    r.action,
    isAuditAction(r.action) ? AUDIT_ACTION_NAMES[lang][r.action] : r.action,
    r.target,
    r.address,
    json(before),
    json(after),
    Object.keys(rest).length ? JSON.stringify(rest) : '',
  ];
}

export async function writeAuditFile(rows: readonly AuditRow[], o: { format: AuditFileFormat; lang: 'es' | 'en'; tz: string; title: 'audit' | 'users'; period: string }): Promise<Buffer> {
  const title = `${AUDIT_FILE_TITLES[o.lang][o.title]} ${o.period}`.trim();
  const header = AUDIT_FILE_COLUMNS[o.lang];
  if (o.format === 'csv') {
    const sep = o.lang === 'es' ? ';' : ',';
    const lines = [csvText(title, sep), header.map((h) => csvText(h, sep)).join(sep), ...rows.map((r) => auditCells(r, o.lang, o.tz).map((c) => csvText(c, sep)).join(sep))];
    return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
  }
  const wb = new (exceljs().Workbook)();
  wb.creator = 'Tablero';
  const ws = wb.addWorksheet(AUDIT_FILE_TITLES[o.lang].sheet);
  ws.getCell(1, 1).value = title;
  ws.getCell(1, 1).font = { bold: true, size: 14 };
  ws.getRow(3).values = [...header];
  ws.getRow(3).font = { bold: true };
  rows.forEach((r, i) => {
    ws.getRow(4 + i).values = auditCells(r, o.lang, o.tz);
  });
  header.forEach((h, i) => {
    ws.getColumn(i + 1).width = i >= 6 ? 50 : Math.max(h.length + 2, i === 0 ? 20 : 16);
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Entries per file at most (a year of a busy site's changes and logins fits many times over). */
export const MAX_AUDIT_FILE_ROWS = 200_000;

const CONTENT_TYPES: Record<AuditFileFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export type AuditFileResult =
  | { ok: true; body: Buffer; filename: string; content_type: string; format: AuditFileFormat; entries: number }
  | { ok: false; param: string; reason: string };

/**
 * The audit file for a query (`from`, `to`, `actor`, `action`, `target`, `format`, `lang`), for the
 * route and the CLI alike. `users`: only the users actions (the users report).
 */
export async function auditFile(ch: ClickHouse, kind: 'audit' | 'users', q: Record<string, unknown>, tz: string): Promise<AuditFileResult> {
  const p = parseAuditQuery({ ...q, page: undefined, size: undefined }, tz);
  if (!p.ok) return p;
  const format = q['format'] ?? 'csv';
  if (format !== 'csv' && format !== 'xlsx') return { ok: false, param: 'format', reason: 'must be csv or xlsx' };
  const lang = q['lang'] ?? 'es';
  if (lang !== 'es' && lang !== 'en') return { ok: false, param: 'lang', reason: 'must be es or en' };
  const users = (a: string): boolean => (USER_ACTIONS as readonly string[]).includes(a);
  const filter: AuditFilter = kind === 'users' ? { ...p.filter, actions: p.filter.actions?.length ? p.filter.actions.filter(users) : USER_ACTIONS } : p.filter;
  // Asked for user actions none of which is one: nothing matches (an empty list would mean every action).
  const rows = filter.actions !== undefined && filter.actions.length === 0 ? [] : await allAudit(ch, filter, MAX_AUDIT_FILE_ROWS);
  const from = typeof q['from'] === 'string' ? q['from'] : '';
  const to = typeof q['to'] === 'string' ? q['to'] : '';
  const period = from || to ? `${from}..${to}` : '';
  const body = await writeAuditFile(rows, { format, lang, tz, title: kind, period });
  const filename = `${kind === 'users' ? 'usuarios' : 'auditoria'}${from ? `-${from}` : ''}${to ? `-${to}` : ''}.${format}`;
  return { ok: true, body, filename, content_type: CONTENT_TYPES[format], format, entries: rows.length };
}
