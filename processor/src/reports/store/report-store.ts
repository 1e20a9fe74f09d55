// ClickHouse adapter of the monthly reports: the stint fingerprint, closed months, export
// schedules and export runs. The figures themselves are read by the one KPI read module
// (store/kpi-query.ts), with the definitions its resolver says were in force.
import { readFileSync } from 'node:fs';
import { TABLES, type ClickHouse } from '@tablero/sql';
import { ProcessorStoreError } from '../../store/store.ts';
import { FINGERPRINT_SCHEME, type DataFingerprint, type MonthlyReport } from '../core/model.ts';
import { checkSchedule, type ExportSchedule } from '../core/schedule.ts';

const FINGERPRINT_SQL: Record<DataFingerprint['scheme'], string> = {
  1: readFileSync(new URL('./queries/stint-fingerprint-v1.sql', import.meta.url), 'utf8'),
  2: readFileSync(new URL('./queries/stint-fingerprint.sql', import.meta.url), 'utf8'),
};

export class ReportStoreError extends ProcessorStoreError {
  override name = 'ReportStoreError';
}

async function rows<T>(ch: ClickHouse, query: string, query_params: Record<string, unknown>, what: string, quote64 = false): Promise<T[]> {
  try {
    const rs = await ch.client.query({
      query,
      query_params,
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_quote_64bit_integers: quote64 ? 1 : 0 },
    });
    return await rs.json<T>();
  } catch (err) {
    throw new ReportStoreError(`${what} failed`, { cause: err });
  }
}

/** The fingerprint of a site's stints over a range; `scheme` only to compare with an old closed month. */
export async function stintFingerprint(
  ch: ClickHouse,
  q: { site: string; from_s: number; to_s: number },
  scheme: DataFingerprint['scheme'] = FINGERPRINT_SCHEME,
): Promise<DataFingerprint> {
  // 64-bit values come quoted so the hash keeps every bit.
  const r = await rows<{ stints: string; hash: string }>(ch, FINGERPRINT_SQL[scheme], q, 'stint fingerprint query', true);
  const stints = Number(r[0]?.stints ?? 0);
  const hash = BigInt(r[0]?.hash ?? 0).toString(16).padStart(16, '0');
  return { value: `${stints}-${hash}`, stints, scheme };
}

const CDR_FINGERPRINT_SQL = readFileSync(new URL('./queries/cdr-fingerprint.sql', import.meta.url), 'utf8');

/** The fingerprint of a site's CDR rows starting in a range (the funnel's source). */
export async function cdrFingerprint(ch: ClickHouse, q: { site: string; from_s: number; to_s: number }): Promise<NonNullable<DataFingerprint['cdr']>> {
  const r = await rows<{ rows: string; hash: string }>(ch, CDR_FINGERPRINT_SQL, q, 'CDR fingerprint query', true);
  const n = Number(r[0]?.rows ?? 0);
  return { value: `${n}-${BigInt(r[0]?.hash ?? 0).toString(16).padStart(16, '0')}`, rows: n };
}

const CONTACTS_FINGERPRINT_SQL = readFileSync(new URL('./queries/contacts-fingerprint.sql', import.meta.url), 'utf8');

/** The fingerprint of a site's contacts arriving in a range (the channels section's source). */
export async function contactsFingerprint(ch: ClickHouse, q: { site: string; from_s: number; to_s: number }): Promise<NonNullable<DataFingerprint['contacts']>> {
  const r = await rows<{ rows: string; hash: string }>(ch, CONTACTS_FINGERPRINT_SQL, q, 'contacts fingerprint query', true);
  const n = Number(r[0]?.rows ?? 0);
  return { value: `${n}-${BigInt(r[0]?.hash ?? 0).toString(16).padStart(16, '0')}`, rows: n };
}

// ---------------------------------------------------------------- closed months

export interface ClosedMonth {
  site: string;
  month: string;
  version: number;
  closed_at_ms: number;
  closed_by: string;
  report: MonthlyReport;
}

/** Stores a closed month (a new version); the model is stored without its `frozen` marker. */
export async function saveClosedMonth(ch: ClickHouse, c: Omit<ClosedMonth, 'version'>): Promise<number> {
  const prev = await rows<{ v: unknown }>(
    ch,
    `SELECT max(version) AS v FROM ${TABLES.reportMonths} FINAL WHERE site = {site:String} AND month = {month:String}`,
    { site: c.site, month: c.month },
    'reading closed month versions',
  );
  const version = Number(prev[0]?.v ?? 0) + 1;
  try {
    await ch.client.insert({
      table: TABLES.reportMonths,
      format: 'JSONEachRow',
      values: [{
        site: c.site, month: c.month, version, closed_at: Math.trunc(c.closed_at_ms), closed_by: c.closed_by,
        fingerprint: c.report.fingerprint.value, stints: c.report.fingerprint.stints, model: JSON.stringify({ ...c.report, frozen: null }),
      }],
    });
  } catch (err) {
    throw new ReportStoreError(`closing ${c.site} ${c.month} failed`, { cause: err });
  }
  return version;
}

/** The newest closed version of a month, or null when the month is open. */
export async function loadClosedMonth(ch: ClickHouse, site: string, month: string): Promise<ClosedMonth | null> {
  const r = await rows<{ version: number; closed_at_ms: number; closed_by: string; model: string }>(
    ch,
    `SELECT version, toUnixTimestamp64Milli(closed_at) AS closed_at_ms, closed_by, model FROM ${TABLES.reportMonths} FINAL
     WHERE site = {site:String} AND month = {month:String} ORDER BY version DESC LIMIT 1`,
    { site, month },
    'reading a closed month',
  );
  const f = r[0];
  if (!f) return null;
  // Months closed before the escalations section existed have no such field: none to report.
  // Months closed before the holidays were stated have no site_holidays (nor escalations.calendar):
  // null makes them export as they did then.
  // Their fingerprint has no scheme: it was hashed with scheme 1.
  const stored = JSON.parse(f.model) as Omit<MonthlyReport, 'escalations' | 'site_holidays' | 'fingerprint'> &
    Partial<Pick<MonthlyReport, 'escalations' | 'site_holidays'>> & { fingerprint: Omit<DataFingerprint, 'scheme'> & Partial<Pick<DataFingerprint, 'scheme'>> };
  const report: MonthlyReport = {
    ...stored,
    escalations: stored.escalations ?? null,
    site_holidays: stored.site_holidays ?? null,
    fingerprint: { ...stored.fingerprint, scheme: stored.fingerprint.scheme ?? 1 },
  };
  const version = Number(f.version);
  const closed_at_ms = Number(f.closed_at_ms);
  return { site, month, version, closed_at_ms, closed_by: f.closed_by, report: { ...report, frozen: { version, closed_at_ms, closed_by: f.closed_by } } };
}

export async function listClosedMonths(ch: ClickHouse, site: string): Promise<Array<{ month: string; version: number; closed_at_ms: number; closed_by: string; fingerprint: string; stints: number }>> {
  // Aliases differ from the column names: an alias `version` would shadow the column inside argMax.
  const r = await rows<{ month: string; v: number; at: number; by: string; fp: string; n: number }>(
    ch,
    `SELECT month, max(version) AS v, argMax(toUnixTimestamp64Milli(closed_at), version) AS at,
            argMax(closed_by, version) AS by, argMax(fingerprint, version) AS fp, argMax(stints, version) AS n
     FROM ${TABLES.reportMonths} FINAL WHERE site = {site:String} GROUP BY month ORDER BY month`,
    { site },
    'listing closed months',
  );
  return r.map((x) => ({ month: x.month, version: Number(x.v), closed_at_ms: Number(x.at), closed_by: x.by, fingerprint: x.fp, stints: Number(x.n) }));
}

// ---------------------------------------------------------------- schedules and runs

/** `exportsDir`: the exports folder (TABLERO_EXPORTS_DIR); a schedule's folder must be inside it. */
export async function saveSchedule(ch: ClickHouse, s: { spec: unknown; createdBy: string; nowMs: number; exportsDir: string }): Promise<ExportSchedule> {
  const checked = checkSchedule(s.spec, s.exportsDir);
  if (!checked.ok) {
    const why = checked.reason === 'folder_outside_exports' ? ` (the folder must be ${s.exportsDir} or a folder inside it; set by TABLERO_EXPORTS_DIR)` : '';
    throw new ScheduleSpecError(`invalid export schedule: ${checked.reason}${why}`);
  }
  const prev = await rows<{ v: unknown }>(ch, `SELECT max(version) AS v FROM ${TABLES.exportSchedules} FINAL WHERE id = {id:String}`, { id: checked.value.id }, 'reading schedule versions');
  try {
    await ch.client.insert({
      table: TABLES.exportSchedules,
      format: 'JSONEachRow',
      values: [{ id: checked.value.id, version: Number(prev[0]?.v ?? 0) + 1, spec: JSON.stringify(checked.value), created_by: s.createdBy, created_at: Math.trunc(s.nowMs) }],
    });
  } catch (err) {
    throw new ReportStoreError('saving an export schedule failed', { cause: err });
  }
  return checked.value;
}

export class ScheduleSpecError extends Error {
  override name = 'ScheduleSpecError';
}

/** The newest version of every schedule (disabled ones included); stored specs are re-validated. */
export async function listSchedules(ch: ClickHouse): Promise<ExportSchedule[]> {
  const r = await rows<{ id: string; s: string }>(
    ch,
    `SELECT id, argMax(spec, version) AS s FROM ${TABLES.exportSchedules} FINAL GROUP BY id ORDER BY id`,
    {},
    'listing export schedules',
  );
  const out: ExportSchedule[] = [];
  for (const x of r) {
    const checked = checkSchedule(JSON.parse(x.s) as unknown);
    if (!checked.ok) throw new ScheduleSpecError(`stored export schedule ${x.id} is invalid: ${checked.reason}`);
    out.push(checked.value);
  }
  return out;
}

export interface ExportRun {
  run_id: string;
  schedule_id: string;
  site: string;
  scheduled_for_ms: number;
  started_at_ms: number;
  finished_at_ms: number;
  month: string;
  status: 'ok' | 'failed';
  files: string[];
  bytes: number;
  error: string;
}

export async function recordRun(ch: ClickHouse, r: ExportRun): Promise<void> {
  try {
    await ch.client.insert({
      table: TABLES.exportRuns,
      format: 'JSONEachRow',
      values: [{
        run_id: r.run_id, schedule_id: r.schedule_id, site: r.site, scheduled_for: r.scheduled_for_ms, started_at: r.started_at_ms,
        finished_at: r.finished_at_ms, month: r.month, status: r.status, files: r.files, bytes: r.bytes, error: r.error,
      }],
    });
  } catch (err) {
    throw new ReportStoreError('recording an export run failed', { cause: err });
  }
}

/** Newest runs first. */
export async function listRuns(ch: ClickHouse, limit = 100): Promise<ExportRun[]> {
  const r = await rows<Record<string, unknown>>(
    ch,
    `SELECT run_id, schedule_id, site, toUnixTimestamp64Milli(scheduled_for) AS scheduled_for_ms, toUnixTimestamp64Milli(started_at) AS started_at_ms,
            toUnixTimestamp64Milli(finished_at) AS finished_at_ms, month, status, files, bytes, error
     FROM ${TABLES.exportRuns} FINAL ORDER BY scheduled_for DESC, schedule_id LIMIT {limit:UInt32}`,
    { limit },
    'listing export runs',
  );
  return r.map((x) => ({
    run_id: String(x.run_id), schedule_id: String(x.schedule_id), site: String(x.site), scheduled_for_ms: Number(x.scheduled_for_ms),
    started_at_ms: Number(x.started_at_ms), finished_at_ms: Number(x.finished_at_ms), month: String(x.month),
    status: x.status === 'ok' ? 'ok' : 'failed', files: (x.files as unknown[]).map(String), bytes: Number(x.bytes), error: String(x.error),
  }));
}

/** The newest scheduled time already run per schedule (the scheduler's catch-up point). */
export async function lastRunTimes(ch: ClickHouse): Promise<Map<string, number>> {
  const r = await rows<{ schedule_id: string; last: unknown }>(
    ch,
    `SELECT schedule_id, toUnixTimestamp64Milli(max(scheduled_for)) AS last FROM ${TABLES.exportRuns} FINAL GROUP BY schedule_id`,
    {},
    'reading last export runs',
  );
  return new Map(r.map((x) => [x.schedule_id, Number(x.last)]));
}
