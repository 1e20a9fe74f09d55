// Ticket events, escalation settings versions and raised overdue alerts in ClickHouse. Inserts
// carry a deterministic insert_deduplication_token (the bus batch id) and every table is a
// ReplacingMergeTree keyed by the event's identity, so a redelivered batch stores nothing twice.
import { TABLES, type ClickHouse } from '@tablero/sql';
import type { DeadLetter, TicketEvent } from '@tablero/ingest/contract';
import { checkEscalationSettings, type EscalationSettingsPatch } from '../core/settings.ts';

export class TicketStoreError extends Error {
  override name = 'TicketStoreError';
}

const READ = { output_format_json_quote_64bit_integers: 0 } as const;

const EVENT_COLUMNS = 'event_id, site, source, ticket_id, action, toUnixTimestamp(ts) AS ts, ticket_type, channel, area, call_site, call_id, note';

export async function insertTicketEvents(ch: ClickHouse, events: readonly TicketEvent[], token: string): Promise<void> {
  if (events.length === 0) return;
  try {
    await ch.client.insert({ table: TABLES.ticketEvents, values: [...events], format: 'JSONEachRow', clickhouse_settings: { insert_deduplication_token: token } });
  } catch (err) {
    throw new TicketStoreError('storing ticket events failed', { cause: err });
  }
}

export async function insertCrmDeadLetters(ch: ClickHouse, dead: readonly DeadLetter[], token: string): Promise<void> {
  if (dead.length === 0) return;
  try {
    await ch.client.insert({ table: TABLES.deadLetters, values: [...dead], format: 'JSONEachRow', clickhouse_settings: { insert_deduplication_token: token } });
  } catch (err) {
    throw new TicketStoreError('storing rejected ticket rows failed', { cause: err });
  }
}

async function select(ch: ClickHouse, where: string, params: Record<string, unknown>): Promise<TicketEvent[]> {
  try {
    const rows = await (
      await ch.client.query({
        query: `SELECT ${EVENT_COLUMNS} FROM ${TABLES.ticketEvents} FINAL ${where} ORDER BY site, ticket_id, ts, event_id`,
        query_params: params,
        format: 'JSONEachRow',
        clickhouse_settings: READ,
      })
    ).json<TicketEvent>();
    return rows.map((r) => ({ ...r, ts: Number(r.ts) }));
  } catch (err) {
    throw new TicketStoreError('reading ticket events failed', { cause: err });
  }
}

/** Every stored ticket event (optionally of one site), distinct, grouped by ticket. */
export function loadTicketEvents(ch: ClickHouse, site?: string): Promise<TicketEvent[]> {
  return site === undefined ? select(ch, '', {}) : select(ch, 'WHERE site = {site:String}', { site });
}

export function loadTicketEventsOf(ch: ClickHouse, site: string, ticketId: string): Promise<TicketEvent[]> {
  return select(ch, 'WHERE site = {site:String} AND ticket_id = {id:String}', { site, id: ticketId });
}

/** Every event of the tickets that name this call (the call -> tickets direction of the link). */
export function loadTicketEventsByCall(ch: ClickHouse, callSite: string, callId: string): Promise<TicketEvent[]> {
  return select(
    ch,
    `WHERE (site, ticket_id) IN (SELECT site, ticket_id FROM ${TABLES.ticketEvents} WHERE call_site = {cs:String} AND call_id = {cid:String})`,
    { cs: callSite, cid: callId },
  );
}

export async function ticketSites(ch: ClickHouse): Promise<string[]> {
  const rows = await (await ch.client.query({ query: `SELECT DISTINCT site FROM ${TABLES.ticketEvents} ORDER BY site`, format: 'JSONEachRow' })).json<{ site: string }>();
  return rows.map((r) => r.site);
}

// ---- settings versions ----

export async function saveEscalationSettings(
  ch: ClickHouse,
  v: { site: string; patch: unknown; validFromMs: number; createdBy: string; nowMs: number },
): Promise<number> {
  const checked = checkEscalationSettings(v.patch);
  if (!checked.ok) throw new TicketStoreError(`invalid escalation settings for ${v.site}: ${checked.reason}`);
  try {
    const rows = await (
      await ch.client.query({
        query: `SELECT max(version) AS v FROM ${TABLES.escalationSettingsVersions} FINAL WHERE site = {site:String}`,
        query_params: { site: v.site },
        format: 'JSONEachRow',
        clickhouse_settings: READ,
      })
    ).json<{ v: unknown }>();
    const version = Number(rows[0]?.v ?? 0) + 1;
    await ch.client.insert({
      table: TABLES.escalationSettingsVersions,
      format: 'JSONEachRow',
      values: [{ site: v.site, version, valid_from: Math.trunc(v.validFromMs), settings: JSON.stringify(checked.value), created_by: v.createdBy, created_at: Math.trunc(v.nowMs) }],
    });
    return version;
  } catch (err) {
    throw new TicketStoreError('saving escalation settings failed', { cause: err });
  }
}

/** Per site, the newest settings patch already valid at `atMs`. Stored JSON is checked again. */
export async function loadEscalationSettings(ch: ClickHouse, atMs: number): Promise<Record<string, EscalationSettingsPatch>> {
  const rows = await (
    await ch.client.query({
      query: `SELECT site, argMax(settings, version) AS settings FROM ${TABLES.escalationSettingsVersions} FINAL
              WHERE valid_from <= fromUnixTimestamp64Milli({at:Int64}) GROUP BY site`,
      query_params: { at: Math.trunc(atMs) },
      format: 'JSONEachRow',
      clickhouse_settings: READ,
    })
  ).json<{ site: string; settings: string }>();
  const out: Record<string, EscalationSettingsPatch> = {};
  for (const r of rows) {
    const checked = checkEscalationSettings(JSON.parse(r.settings) as unknown);
    if (!checked.ok) throw new TicketStoreError(`stored escalation settings of ${r.site} are invalid: ${checked.reason}`);
    out[r.site] = checked.value;
  }
  return out;
}

// ---- raised alerts ----

export function alertKey(site: string, ticketId: string, dueAt: number): string {
  return `${site}\0${ticketId}\0${dueAt}`;
}

export async function loadRaisedAlerts(ch: ClickHouse): Promise<Set<string>> {
  const rows = await (
    await ch.client.query({ query: `SELECT site, ticket_id, toUnixTimestamp(due_at) AS due_at FROM ${TABLES.escalationAlerts} FINAL`, format: 'JSONEachRow', clickhouse_settings: READ })
  ).json<{ site: string; ticket_id: string; due_at: unknown }>();
  return new Set(rows.map((r) => alertKey(r.site, r.ticket_id, Number(r.due_at))));
}

export async function insertRaisedAlerts(
  ch: ClickHouse,
  rows: ReadonlyArray<{ site: string; ticket_id: string; due_at: number; area: string; ticket_type: string; alerted_at_ms: number }>,
): Promise<void> {
  if (rows.length === 0) return;
  try {
    await ch.client.insert({
      table: TABLES.escalationAlerts,
      format: 'JSONEachRow',
      values: rows.map((r) => ({ site: r.site, ticket_id: r.ticket_id, due_at: r.due_at, area: r.area, ticket_type: r.ticket_type, alerted_at: Math.trunc(r.alerted_at_ms) })),
    });
  } catch (err) {
    throw new TicketStoreError('storing escalation alerts failed', { cause: err });
  }
}
