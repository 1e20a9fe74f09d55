// Versioned settings in ClickHouse (settings_versions, calendar_versions): a change inserts a
// new version with its valid-from time; the processor loads, at start, the newest version of
// each (site, queue) that is already valid. Stored JSON is validated like any untrusted input.
import { TABLES, type ClickHouse } from '@tablero/sql';
import { createCalendar, type SiteCalendarSpec } from '../core/calendar.ts';
import { createResolver, type CalendarVersionRecord, type DefinitionHistory, type DefinitionResolver, type ResolverBase } from '../core/definitions.ts';
import { checkQueueSettingsPatch, defaultProcessorSettings, type ProcessorSettings, type QueueSettingsPatch } from '../core/settings.ts';
import { ProcessorStoreError } from './store.ts';

export class SettingsError extends Error {
  override name = 'SettingsError';
}

export interface SettingsVersion {
  site: string;
  /** '' = the site defaults. */
  queue: string;
  version: number;
  valid_from_ms: number;
  patch: QueueSettingsPatch;
  created_by: string;
}

const READ = { output_format_json_quote_64bit_integers: 0 } as const;
// DateTime64(3) columns take JSON integers as milliseconds (ticks of the column's scale).

async function nextVersion(ch: ClickHouse, table: string, where: string, params: Record<string, unknown>): Promise<number> {
  const rows = await (await ch.client.query({ query: `SELECT max(version) AS v FROM ${table} FINAL WHERE ${where}`, query_params: params, format: 'JSONEachRow', clickhouse_settings: READ })).json<{ v: unknown }>();
  return Number(rows[0]?.v ?? 0) + 1;
}

/** Stores a new settings version for a queue ('' = site defaults); returns its number. */
export async function saveSettingsVersion(
  ch: ClickHouse,
  v: { site: string; queue: string; patch: unknown; validFromMs: number; createdBy: string; nowMs: number },
): Promise<number> {
  const checked = checkQueueSettingsPatch(v.patch);
  if (!checked.ok) throw new SettingsError(`invalid settings for ${v.site}/${v.queue || '(defaults)'}: ${checked.reason}`);
  try {
    const version = await nextVersion(ch, TABLES.settingsVersions, 'site = {site:String} AND queue = {queue:String}', { site: v.site, queue: v.queue });
    await ch.client.insert({
      table: TABLES.settingsVersions,
      format: 'JSONEachRow',
      values: [{ site: v.site, queue: v.queue, version, valid_from: Math.trunc(v.validFromMs), settings: JSON.stringify(checked.value), created_by: v.createdBy, created_at: Math.trunc(v.nowMs) }],
    });
    return version;
  } catch (err) {
    throw new ProcessorStoreError('saving a settings version failed', { cause: err });
  }
}

export async function saveCalendarVersion(
  ch: ClickHouse,
  v: { site: string; spec: SiteCalendarSpec; validFromMs: number; createdBy: string; nowMs: number },
): Promise<number> {
  createCalendar(v.spec); // throws CalendarError / RangeError on a bad spec
  try {
    const version = await nextVersion(ch, TABLES.calendarVersions, 'site = {site:String}', { site: v.site });
    await ch.client.insert({
      table: TABLES.calendarVersions,
      format: 'JSONEachRow',
      values: [{ site: v.site, version, valid_from: Math.trunc(v.validFromMs), spec: JSON.stringify(v.spec), created_by: v.createdBy, created_at: Math.trunc(v.nowMs) }],
    });
    return version;
  } catch (err) {
    throw new ProcessorStoreError('saving a calendar version failed', { cause: err });
  }
}

/** Every settings version, oldest first (for audit views). */
export async function listSettingsVersions(ch: ClickHouse): Promise<SettingsVersion[]> {
  const rows = await (
    await ch.client.query({
      query: `SELECT site, queue, version, toUnixTimestamp64Milli(valid_from) AS valid_from_ms, settings, created_by
              FROM ${TABLES.settingsVersions} FINAL ORDER BY site, queue, version`,
      format: 'JSONEachRow',
      clickhouse_settings: READ,
    })
  ).json<{ site: string; queue: string; version: unknown; valid_from_ms: unknown; settings: string; created_by: string }>();
  return rows.map((r) => {
    const checked = checkQueueSettingsPatch(JSON.parse(r.settings) as unknown);
    if (!checked.ok) throw new SettingsError(`stored settings ${r.site}/${r.queue} v${String(r.version)} are invalid: ${checked.reason}`);
    return { site: r.site, queue: r.queue, version: Number(r.version), valid_from_ms: Number(r.valid_from_ms), patch: checked.value, created_by: r.created_by };
  });
}

/** Every calendar version, oldest first. Stored specs are validated like any untrusted input. */
export async function listCalendarVersions(ch: ClickHouse): Promise<CalendarVersionRecord[]> {
  const rows = await (
    await ch.client.query({
      query: `SELECT site, version, toUnixTimestamp64Milli(valid_from) AS valid_from_ms, spec, created_by FROM ${TABLES.calendarVersions} FINAL ORDER BY site, version`,
      format: 'JSONEachRow',
      clickhouse_settings: READ,
    })
  ).json<{ site: string; version: unknown; valid_from_ms: unknown; spec: string; created_by: string }>();
  return rows.map((r) => {
    const spec = JSON.parse(r.spec) as SiteCalendarSpec;
    try {
      createCalendar(spec);
    } catch (err) {
      throw new SettingsError(`stored calendar ${r.site} v${String(r.version)} is invalid: ${(err as Error).message}`, { cause: err });
    }
    return { site: r.site, version: Number(r.version), valid_from_ms: Number(r.valid_from_ms), spec, created_by: r.created_by };
  });
}

/** The whole stored history of definitions (two small tables). */
export async function loadDefinitionHistory(ch: ClickHouse): Promise<DefinitionHistory> {
  const [settings, calendars] = await Promise.all([listSettingsVersions(ch), listCalendarVersions(ch)]);
  return { settings, calendars };
}

/** The definition resolver over the stored history and the configured base (core/definitions.ts). */
export async function loadResolver(ch: ClickHouse, base: Partial<ResolverBase> & { defaultTz: string }): Promise<DefinitionResolver> {
  return createResolver(await loadDefinitionHistory(ch), { settings: base.settings ?? defaultProcessorSettings(), calendars: base.calendars ?? {}, defaultTz: base.defaultTz });
}

/** Every site's settings in force at `atMs`: `base` with the stored versions laid over it (the resolver's rule). */
export async function loadSettings(ch: ClickHouse, base: ProcessorSettings, atMs: number): Promise<ProcessorSettings> {
  return (await loadResolver(ch, { settings: base, defaultTz: 'UTC' })).settingsAt(atMs);
}

/** Stored site calendars in force at `atMs` (newest valid version per site). */
export async function loadCalendars(ch: ClickHouse, atMs: number): Promise<Record<string, SiteCalendarSpec>> {
  return (await loadResolver(ch, { defaultTz: 'UTC' })).calendarsAt(atMs);
}
