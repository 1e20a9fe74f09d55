// Contacts, their rejected rows and the per-channel settings versions in ClickHouse. Inserts carry
// a deterministic insert_deduplication_token (the bus batch ids) and `contacts` is a
// ReplacingMergeTree(version) keyed by (site, contact_id), so a redelivered batch stores nothing twice.
import { Readable } from 'node:stream';
import { TABLES, type ClickHouse } from '@tablero/sql';
import { CONTACT_CHANNELS, CONTACT_COLUMNS, type DeadLetter } from '@tablero/ingest/contract';
import type { ContactSettingsView } from '../../contract.ts';
import { checkContactSettings, DEFAULT_CONTACT_SETTINGS, MAX_CONTACT_THRESHOLD_S, mergeContactSettings, type ContactSettings } from '../core/settings.ts';

export class ContactStoreError extends Error {
  override name = 'ContactStoreError';
}

const READ = { output_format_json_quote_64bit_integers: 0 } as const;

/** `rows`: ContactRecord values as ingest published them (JSON arrays in CONTACT_COLUMNS order), written as they are. */
export async function insertContacts(ch: ClickHouse, rows: Buffer, token: string): Promise<void> {
  if (rows.length === 0) return;
  try {
    // The bytes as they are (insert() would want objects and encode each again): an INSERT with a body.
    const r = await ch.client.exec({ query: `INSERT INTO ${TABLES.contacts} (${CONTACT_COLUMNS.join(', ')}) FORMAT JSONCompactEachRow`, values: Readable.from([rows], { objectMode: false }), clickhouse_settings: { insert_deduplication_token: token } });
    r.stream.resume();
    await new Promise<void>((resolve, reject) => r.stream.on('end', resolve).on('close', resolve).on('error', reject));
  } catch (err) {
    throw new ContactStoreError('storing contacts failed', { cause: err });
  }
}

export async function insertContactDeadLetters(ch: ClickHouse, dead: readonly DeadLetter[], token: string): Promise<void> {
  if (dead.length === 0) return;
  try {
    await ch.client.insert({ table: TABLES.deadLetters, values: dead as DeadLetter[], format: 'JSONEachRow', clickhouse_settings: { insert_deduplication_token: token } });
  } catch (err) {
    throw new ContactStoreError('storing rejected contact rows failed', { cause: err });
  }
}

export interface ContactSettingsVersion {
  version: number;
  valid_from_ms: number;
  settings: ContactSettings;
  created_by: string;
  created_at_ms: number;
}

/** Version 0 (the defaults, valid from the epoch) then every stored version of the site in version order. */
export async function loadContactSettingsVersions(ch: ClickHouse, site: string): Promise<ContactSettingsVersion[]> {
  let rows: Array<{ version: number; valid_from_ms: number; settings: string; created_by: string; created_at_ms: number }>;
  try {
    rows = await (
      await ch.client.query({
        query: `SELECT version, toUnixTimestamp64Milli(valid_from) AS valid_from_ms, settings, created_by, toUnixTimestamp64Milli(created_at) AS created_at_ms
                FROM ${TABLES.contactSettingsVersions} FINAL WHERE site = {site:String} ORDER BY version`,
        query_params: { site },
        format: 'JSONEachRow',
        clickhouse_settings: READ,
      })
    ).json();
  } catch (err) {
    throw new ContactStoreError('reading contact settings failed', { cause: err });
  }
  const out: ContactSettingsVersion[] = [{ version: 0, valid_from_ms: 0, settings: DEFAULT_CONTACT_SETTINGS, created_by: '', created_at_ms: 0 }];
  for (const r of rows) {
    const checked = checkContactSettings(JSON.parse(r.settings) as unknown);
    if (!checked.ok) throw new ContactStoreError(`stored contact settings of ${site} v${r.version} are invalid: ${checked.reason}`);
    out.push({ version: Number(r.version), valid_from_ms: Number(r.valid_from_ms), settings: mergeContactSettings(DEFAULT_CONTACT_SETTINGS, checked.value), created_by: r.created_by, created_at_ms: Number(r.created_at_ms) });
  }
  return out;
}

/** The version in force at `atMs`: the newest-numbered one already valid. */
export function contactSettingsAt(versions: readonly ContactSettingsVersion[], atMs: number): ContactSettingsVersion {
  let best = versions[0] as ContactSettingsVersion;
  for (const v of versions) if (v.valid_from_ms <= atMs && v.version >= best.version) best = v;
  return best;
}

/** Saves a new version (the whole settings, defaults filled in); refuses a bad patch with its reason. */
export async function saveContactSettings(ch: ClickHouse, v: { site: string; patch: unknown; validFromMs: number; createdBy: string; nowMs: number }): Promise<{ ok: true; version: number } | { ok: false; reason: string }> {
  const checked = checkContactSettings(v.patch);
  if (!checked.ok) return checked;
  const versions = await loadContactSettingsVersions(ch, v.site);
  const base = contactSettingsAt(versions, v.validFromMs).settings;
  const version = Math.max(...versions.map((x) => x.version)) + 1;
  try {
    await ch.client.insert({
      table: TABLES.contactSettingsVersions,
      format: 'JSONEachRow',
      values: [{ site: v.site, version, valid_from: Math.trunc(v.validFromMs), settings: JSON.stringify(mergeContactSettings(base, checked.value)), created_by: v.createdBy, created_at: Math.trunc(v.nowMs) }],
    });
  } catch (err) {
    throw new ContactStoreError('saving contact settings failed', { cause: err });
  }
  return { ok: true, version };
}

/** GET /api/contacts/settings: in force at `atMs`, the defaults and the stored versions. */
export async function contactSettingsView(ch: ClickHouse, site: string, atMs: number): Promise<ContactSettingsView> {
  const versions = await loadContactSettingsVersions(ch, site);
  const now = contactSettingsAt(versions, atMs);
  return {
    site,
    channels: CONTACT_CHANNELS,
    current: now.settings,
    current_version: now.version,
    defaults: DEFAULT_CONTACT_SETTINGS,
    max_threshold_s: MAX_CONTACT_THRESHOLD_S,
    versions: versions.filter((v) => v.version > 0).map((v) => ({ version: v.version, valid_from_ms: v.valid_from_ms, created_by: v.created_by, created_at_ms: v.created_at_ms, settings: v.settings })),
  };
}

/**
 * Contacts stored per site and source that arrived since a time (the data quality page's accepted
 * counts beside their rejected rows): sources named `contacts:<source>` like their dead letters.
 */
export async function contactAcceptedLines(ch: ClickHouse, sinceS: number): Promise<Array<{ site: string; source: string; kind: 'contacts'; lines: number; last_event_s: number }>> {
  try {
    const rows = await (
      await ch.client.query({
        query: `SELECT site, concat('contacts:', source) AS source, count() AS lines, toUnixTimestamp(max(arrived)) AS last_event_s
                FROM ${TABLES.contacts} FINAL WHERE arrived >= toDateTime({since:Int64}, 'UTC') GROUP BY site, source ORDER BY site, source`,
        query_params: { since: Math.max(0, Math.trunc(sinceS)) },
        format: 'JSONEachRow',
        clickhouse_settings: READ,
      })
    ).json<{ site: string; source: string; lines: unknown; last_event_s: unknown }>();
    return rows.map((r) => ({ site: r.site, source: r.source, kind: 'contacts' as const, lines: Number(r.lines), last_event_s: Number(r.last_event_s) }));
  } catch (err) {
    throw new ContactStoreError('reading accepted contacts failed', { cause: err });
  }
}
