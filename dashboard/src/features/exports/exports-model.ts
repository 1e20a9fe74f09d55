// The export centre's pure part: the shapes of /api/months, /api/exports/schedules and
// /api/exports/runs read defensively, the download's file name, the schedule a form sends, and
// the user's-language text of a refusal (from the server's stable code and message).
import type { ClosedMonthStatus } from '@tablero/processor/contract';
import { ApiError } from '../../lib/api.ts';
import { isNum, isObj } from '../../lib/guards.ts';
import type { ExportTextKey } from './texts.ts';

export const FORMATS = ['csv', 'xlsx', 'pdf'] as const;
export type ExportFormat = (typeof FORMATS)[number];
export const FILE_LANGS = ['es', 'en'] as const;
export type FileLang = (typeof FILE_LANGS)[number];

/** A closed month as GET /api/months answers it (the processor's contract). */
export type ClosedMonthRow = ClosedMonthStatus;

export interface ScheduleRow {
  id: string;
  enabled: boolean;
  every: 'monthly' | 'daily';
  day_of_month: number;
  at: string;
  tz: string;
  queues: string[];
  formats: string[];
  lang: string;
  folder: string;
  email_to: string[];
}

export interface RunRow {
  run_id: string;
  schedule_id: string;
  scheduled_for_ms: number;
  month: string;
  status: 'ok' | 'failed';
  files: string[];
  error: string;
}

const str = (v: unknown): v is string => typeof v === 'string';
const strList = (v: unknown): v is string[] => Array.isArray(v) && v.every(str);
const list = <T>(v: unknown, one: (x: unknown) => T | null): T[] => (Array.isArray(v) ? v.map(one).filter((x): x is T => x !== null) : []);

export function parseMonths(v: unknown): ClosedMonthRow[] {
  return list(v, (x) => {
    if (!isObj(x)) return null;
    const { month, version, closed_at_ms, closed_by, fingerprint, stints, live_fingerprint, data_changed } = x;
    if (!str(month) || !isNum(version) || !isNum(closed_at_ms) || !str(closed_by) || !str(fingerprint) || !isNum(stints)) return null;
    return {
      month, version, closed_at_ms, closed_by, fingerprint, stints,
      live_fingerprint: str(live_fingerprint) ? live_fingerprint : fingerprint,
      data_changed: data_changed === true,
    };
  });
}

export function parseSchedules(v: unknown): ScheduleRow[] {
  return list(v, (x) => {
    if (!isObj(x)) return null;
    const { id, enabled, every, day_of_month, at, tz, queues, formats, lang, folder, email_to } = x;
    if (!str(id) || (every !== 'monthly' && every !== 'daily') || !isNum(day_of_month) || !str(at) || !str(tz) || !strList(queues) || !strList(formats) || !str(lang) || !str(folder))
      return null;
    return { id, enabled: enabled !== false, every, day_of_month, at, tz, queues, formats, lang, folder, email_to: strList(email_to) ? email_to : [] };
  });
}

export function parseRuns(v: unknown): RunRow[] {
  return list(v, (x) => {
    if (!isObj(x)) return null;
    const { run_id, schedule_id, scheduled_for_ms, month, status, files, error } = x;
    if (!str(run_id) || !str(schedule_id) || !isNum(scheduled_for_ms) || !str(month) || !strList(files)) return null;
    return { run_id, schedule_id, scheduled_for_ms, month, status: status === 'ok' ? 'ok' : 'failed', files, error: str(error) ? error : '' };
  });
}

/** The distinct queues of /api/kpis rows, sorted as the user reads them (101 before 1010). */
export function queuesOf(rows: unknown): string[] {
  const names = new Set<string>();
  for (const r of Array.isArray(rows) ? rows : []) if (isObj(r) && str(r.queue) && r.queue !== '') names.add(r.queue);
  return [...names].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}

/** `YYYY-MM` of the month before the one holding `nowMs` (the month a manager usually exports). */
export function previousMonth(nowMs: number): string {
  const d = new Date(nowMs);
  const prev = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1));
  return `${prev.getUTCFullYear()}-${String(prev.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The /api/kpis range of a month: its first day and the first day of the next (exclusive). */
export function monthRange(month: string): { from: string; to: string } | null {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return null;
  const next = new Date(Date.UTC(Number(m[1]), Number(m[2]), 1));
  return { from: `${month}-01`, to: `${next.getUTCFullYear()}-${String(next.getUTCMonth() + 1).padStart(2, '0')}-01` };
}

/** The file name of `attachment; filename="x.csv"` (the server's names are plain ASCII). */
export function fileNameOf(contentDisposition: string | null): string | null {
  const m = /filename="([^"]+)"/.exec(contentDisposition ?? '');
  return m?.[1] ?? null;
}

export interface ScheduleForm {
  id: string;
  every: 'monthly' | 'daily';
  day_of_month: number;
  at: string;
  formats: ExportFormat[];
  lang: FileLang;
  queues: string[];
  folder: string;
  /** Addresses as typed: separated by commas, semicolons, spaces or lines. */
  email_to: string;
  enabled: boolean;
}

/** The body of PUT /api/exports/schedules/:id (the id travels in the path; the site and zone are the server's). */
export function scheduleBody(f: ScheduleForm): Record<string, unknown> {
  return {
    enabled: f.enabled,
    every: f.every,
    ...(f.every === 'monthly' ? { day_of_month: f.day_of_month } : {}),
    at: f.at,
    formats: f.formats,
    lang: f.lang,
    queues: f.queues,
    folder: f.folder.trim(),
    email_to: f.email_to.split(/[\s,;]+/).filter((a) => a !== ''),
  };
}

/** GET /api/exports/mail: where scheduled files are e-mailed from (no password ever comes). */
export type MailStatus = { configured: false } | { configured: true; host: string; port: number; tls: string; from: string };

export function parseMail(v: unknown): MailStatus | null {
  if (!isObj(v)) return null;
  if (v.configured === false) return { configured: false };
  const { host, port, tls, from } = v;
  return v.configured === true && str(host) && isNum(port) && str(tls) && str(from) ? { configured: true, host, port, tls, from } : null;
}

export interface Refusal {
  key: ExportTextKey;
  params?: Record<string, string>;
}

/** Schedule fields the server names in `bad_field:<name>`, with the label the form shows. */
const FIELD_LABELS: Record<string, ExportTextKey> = {
  id: 'exp.sched.id',
  every: 'exp.sched.every',
  day_of_month: 'exp.sched.day',
  at: 'exp.sched.at',
  formats: 'exp.sched.formats',
  lang: 'exp.lang',
  queues: 'exp.queues',
  folder: 'exp.sched.folder',
  enabled: 'exp.sched.enabled',
  email_to: 'exp.sched.email_to',
};

/**
 * What to tell the user about a failed call, in their language: the server's stable code decides
 * the text; a field the server names (`bad_field:folder`, `bad query parameter month`) is shown
 * with the label the user sees. `field` turns a label key into its text.
 */
export function refusalOf(err: unknown, ctx: { month: string; field: (key: ExportTextKey) => string }): Refusal {
  if (!(err instanceof ApiError)) return { key: 'exp.err.other', params: { code: String(err) } };
  if (err.status === 0) return { key: 'exp.err.network' };
  switch (err.code) {
    case 'TABLERO_ERR_MONTH_NOT_OVER':
      return { key: 'exp.err.month_not_over', params: { month: ctx.month } };
    case 'TABLERO_ERR_FORBIDDEN':
      return { key: 'exp.err.forbidden' };
    case 'TABLERO_ERR_UNAUTHENTICATED':
      return { key: 'exp.err.session' };
    case 'TABLERO_ERR_EXPORT':
      return { key: 'exp.err.export' };
    case 'TABLERO_ERR_EXPORTS_UNAVAILABLE':
      return { key: 'exp.err.unavailable' };
    case 'TABLERO_ERR_BAD_QUERY':
    case 'TABLERO_ERR_BAD_REQUEST': {
      if (/\bmonth\b/.test(err.message)) return { key: 'exp.err.month' };
      // Schedules write only inside the server's exports folder (TABLERO_EXPORTS_DIR); the server names it.
      const outside = /folder_outside_exports \(the folder must be (.+?) or a folder inside it/.exec(err.message);
      if (outside) return { key: 'exp.err.folder_outside', params: { dir: outside[1] as string } };
      const name = /bad_field:([a-z_]+)/.exec(err.message)?.[1] ?? /unknown_field:([a-z_]+)/.exec(err.message)?.[1];
      const label = name === undefined ? undefined : FIELD_LABELS[name];
      if (label !== undefined) return { key: 'exp.err.field', params: { field: ctx.field(label) } };
      return { key: 'exp.err.other', params: { code: err.code } };
    }
    default:
      return { key: 'exp.err.other', params: { code: err.code } };
  }
}
