// Scheduled exports (issue #6), the pure part: what a schedule is, when it runs next, which run
// is due at a given instant, and which month a run reports. Time comes in as data (epoch ms).
//
// Every run reports the month that contains the local day before the run's day: a monthly run
// on day 1 at 06:00 writes the month just ended; a daily run writes the month to date of
// yesterday (on the 1st, the whole previous month). A run missed while nothing was running is
// caught up once (the newest missed occurrence only: one report per month is enough).
import { posix } from 'node:path';
import { localParts, localToEpoch } from '../../core/calendar.ts';
import { CSV_SEPARATORS, type CsvSeparator } from './csv.ts';
import { monthKey, REPORT_FORMATS, REPORT_LANGS, type ReportFormat, type ReportLang } from './model.ts';

export interface ExportSchedule {
  /** `[A-Za-z0-9_-]{1,64}`, names the schedule in runs and file names. */
  id: string;
  enabled: boolean;
  every: 'monthly' | 'daily';
  /** Monthly only: 1..28 (every month has it). */
  day_of_month: number;
  /** Local `HH:MM` in `tz`. */
  at: string;
  tz: string;
  site: string;
  /** Empty = every queue with data. */
  queues: string[];
  formats: ReportFormat[];
  lang: ReportLang;
  sep: CsvSeparator;
  /** Absolute folder the files are written into (created when missing). */
  folder: string;
  /** Addresses the run's files are also e-mailed to (one message per run); empty = none. */
  email_to: string[];
}

export type ScheduleCheck = { ok: true; value: ExportSchedule } | { ok: false; reason: string };

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const AT = /^([01]\d|2[0-3]):([0-5]\d)$/;
// A plain address (no display name, no list syntax): what an SMTP RCPT TO takes as is.
const EMAIL = /^[^\s@<>(),;:"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
export const MAX_EMAIL_RECIPIENTS = 50;

function validTz(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * True when `folder` is `exportsDir` or below it, judged on the normalized absolute paths (a
 * `..` cannot climb out). Symbolic links are the scheduler's to check when it writes.
 */
export function folderInside(folder: string, exportsDir: string): boolean {
  const f = posix.normalize(folder);
  const root = posix.normalize(exportsDir).replace(/\/+$/, '') || '/';
  return f === root || f.replace(/\/+$/, '') === root || f.startsWith(root === '/' ? '/' : `${root}/`);
}

/**
 * Validates an untrusted schedule (API body, stored JSON); reports the first bad field. With
 * `exportsDir`, the folder must be inside it (`folder_outside_exports`): a schedule is written
 * by the server's own user, so it may not name any folder that user can write (issue 14).
 */
export function checkSchedule(input: unknown, exportsDir?: string): ScheduleCheck {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, reason: 'not_an_object' };
  const o = input as Record<string, unknown>;
  const known = ['id', 'enabled', 'every', 'day_of_month', 'at', 'tz', 'site', 'queues', 'formats', 'lang', 'sep', 'folder', 'email_to'];
  for (const k of Object.keys(o)) if (!known.includes(k)) return { ok: false, reason: `unknown_field:${k}` };
  if (typeof o.id !== 'string' || !ID.test(o.id)) return { ok: false, reason: 'bad_field:id' };
  if (o.enabled !== undefined && typeof o.enabled !== 'boolean') return { ok: false, reason: 'bad_field:enabled' };
  if (o.every !== 'monthly' && o.every !== 'daily') return { ok: false, reason: 'bad_field:every' };
  const day = o.day_of_month ?? 1;
  if (typeof day !== 'number' || !Number.isInteger(day) || day < 1 || day > 28) return { ok: false, reason: 'bad_field:day_of_month' };
  const at = o.at ?? '06:00';
  if (typeof at !== 'string' || !AT.test(at)) return { ok: false, reason: 'bad_field:at' };
  if (typeof o.tz !== 'string' || !validTz(o.tz)) return { ok: false, reason: 'bad_field:tz' };
  const site = o.site ?? 'default';
  if (typeof site !== 'string' || site.length === 0) return { ok: false, reason: 'bad_field:site' };
  const queues = o.queues ?? [];
  if (!Array.isArray(queues) || !queues.every((q) => typeof q === 'string' && q.length > 0)) return { ok: false, reason: 'bad_field:queues' };
  const formats = o.formats ?? ['xlsx'];
  if (!Array.isArray(formats) || formats.length === 0 || !formats.every((f) => (REPORT_FORMATS as readonly unknown[]).includes(f)))
    return { ok: false, reason: 'bad_field:formats' };
  const lang = o.lang ?? 'es';
  if (!(REPORT_LANGS as readonly unknown[]).includes(lang)) return { ok: false, reason: 'bad_field:lang' };
  const sep = o.sep ?? (lang === 'es' ? ';' : ',');
  if (!(CSV_SEPARATORS as readonly unknown[]).includes(sep)) return { ok: false, reason: 'bad_field:sep' };
  if (typeof o.folder !== 'string' || !o.folder.startsWith('/') || o.folder.includes('\0')) return { ok: false, reason: 'bad_field:folder' };
  if (exportsDir !== undefined && !folderInside(o.folder, exportsDir)) return { ok: false, reason: 'folder_outside_exports' };
  const emailTo = o.email_to ?? [];
  if (!Array.isArray(emailTo) || emailTo.length > MAX_EMAIL_RECIPIENTS || !emailTo.every((a) => typeof a === 'string' && EMAIL.test(a)))
    return { ok: false, reason: 'bad_field:email_to' };
  return {
    ok: true,
    value: {
      id: o.id, enabled: o.enabled ?? true, every: o.every, day_of_month: day, at, tz: o.tz, site,
      queues: [...new Set(queues as string[])], formats: [...new Set(formats as ReportFormat[])], lang: lang as ReportLang, sep: sep as CsvSeparator,
      folder: o.folder, email_to: [...new Set(emailTo as string[])],
    },
  };
}

function atParts(s: ExportSchedule): [number, number] {
  const m = AT.exec(s.at);
  return [Number(m?.[1] ?? 0), Number(m?.[2] ?? 0)];
}

/** Occurrence on the local date (y, m, d) in ms; the date is normalised (day 0 = last of the previous month). */
function occurrence(s: ExportSchedule, y: number, m: number, d: number): number {
  const n = new Date(Date.UTC(y, m - 1, d));
  const [hh, mm] = atParts(s);
  return localToEpoch(n.getUTCFullYear(), n.getUTCMonth() + 1, n.getUTCDate(), hh, mm, s.tz) * 1000;
}

/** The newest occurrence at or before `nowMs`. */
export function latestOccurrence(s: ExportSchedule, nowMs: number): number {
  const p = localParts(Math.floor(nowMs / 1000), s.tz);
  if (s.every === 'daily') {
    const today = occurrence(s, p.year, p.month, p.day);
    return today <= nowMs ? today : occurrence(s, p.year, p.month, p.day - 1);
  }
  const thisMonth = occurrence(s, p.year, p.month, s.day_of_month);
  return thisMonth <= nowMs ? thisMonth : occurrence(s, p.year, p.month - 1, s.day_of_month);
}

/** The first occurrence strictly after `afterMs`. */
export function nextRunAfter(s: ExportSchedule, afterMs: number): number {
  const p = localParts(Math.floor(afterMs / 1000), s.tz);
  // Candidates from the local day / month of afterMs on; the first one after afterMs wins.
  for (let i = 0; i < 3; i++) {
    const t = s.every === 'daily' ? occurrence(s, p.year, p.month, p.day + i) : occurrence(s, p.year, p.month + i, s.day_of_month);
    if (t > afterMs) return t;
  }
  throw new RangeError(`no next run for schedule ${s.id}`);
}

/**
 * The run due at `nowMs`: the newest occurrence in (sinceMs, nowMs], or null. `sinceMs` is the
 * newest scheduled time already run, or, for a schedule never run, when the scheduler started
 * (so a new schedule does not export a past month at once).
 */
export function dueRun(s: ExportSchedule, sinceMs: number, nowMs: number): number | null {
  if (!s.enabled) return null;
  const t = latestOccurrence(s, nowMs);
  return t > sinceMs ? t : null;
}

/** The month a run at `scheduledMs` reports: the month of the local day before the run's day. */
export function reportMonthOf(s: ExportSchedule, scheduledMs: number): string {
  const p = localParts(Math.floor(scheduledMs / 1000), s.tz);
  const prev = new Date(Date.UTC(p.year, p.month - 1, p.day - 1));
  return monthKey(prev.getUTCFullYear(), prev.getUTCMonth() + 1);
}

/** Deterministic run id: one row per schedule and occurrence, whatever the retries. */
export function runId(s: ExportSchedule, scheduledMs: number): string {
  return `${s.id}@${new Date(scheduledMs).toISOString()}`;
}

/**
 * File name of a report: `tablero-<site>-<YYYY-MM>[-as-of-<YYYY-MM-DD>].<ext>` (ASCII only). Daily
 * runs name the local date they ran on: their month is still filling up.
 */
export function reportFileName(site: string, month: string, format: ReportFormat, asOfDay?: string): string {
  const safeSite = site.replace(/[^A-Za-z0-9_-]/g, '_');
  return `tablero-${safeSite}-${month}${asOfDay ? `-as-of-${asOfDay}` : ''}.${format}`;
}

/** The local date `YYYY-MM-DD` of a run. */
export function runDay(s: ExportSchedule, scheduledMs: number): string {
  const p = localParts(Math.floor(scheduledMs / 1000), s.tz);
  return new Date(Date.UTC(p.year, p.month - 1, p.day)).toISOString().slice(0, 10);
}
