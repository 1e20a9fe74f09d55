// ClickHouse reads and writes of the campaigns module: campaigns, contact lists, recorded
// results, settings, and the outbound CDR legs to listed numbers (the cdr table, migration 090).
// Versioned rows are inserted, never updated; readers take the newest (FINAL).
import { TABLES, type ClickHouse } from '@tablero/sql';
import type { Campaign, CampaignContact } from '../contract.ts';
import type { RecordedResult } from '../core/figures.ts';

export class CampaignStoreError extends Error {
  override name = 'CampaignStoreError';
}

const READ = { output_format_json_quote_64bit_integers: 0 } as const;
type Row = Record<string, unknown>;

async function rows(ch: ClickHouse, what: string, query: string, params: Record<string, unknown> = {}): Promise<Row[]> {
  try {
    const rs = await ch.client.query({ query, query_params: params, format: 'JSONEachRow', clickhouse_settings: READ });
    return await rs.json<Row>();
  } catch (err) {
    throw new CampaignStoreError(`reading ${what} failed`, { cause: err });
  }
}

async function insert(ch: ClickHouse, what: string, table: string, values: Row[]): Promise<void> {
  if (values.length === 0) return;
  try {
    await ch.client.insert({ table, values, format: 'JSONEachRow' });
  } catch (err) {
    throw new CampaignStoreError(`storing ${what} failed`, { cause: err });
  }
}

const str = (v: unknown): string => (typeof v === 'string' ? v : String(v ?? ''));

const CAMPAIGN_COLS = `campaign_id, name, purpose, toString(start_date) AS start_date, toString(end_date) AS end_date, target_list, created_by, toUnixTimestamp64Milli(updated_at) AS updated_at_ms`;
const toCampaign = (r: Row): Campaign => ({
  campaign_id: str(r['campaign_id']), name: str(r['name']), purpose: str(r['purpose']), start_date: str(r['start_date']), end_date: str(r['end_date']),
  target_list: str(r['target_list']), created_by: str(r['created_by']), updated_at_ms: Number(r['updated_at_ms']),
});

export async function listCampaigns(ch: ClickHouse): Promise<Array<Campaign & { list_size: number }>> {
  const r = await rows(ch, 'campaigns', `SELECT ${CAMPAIGN_COLS} FROM ${TABLES.campaigns} FINAL ORDER BY start_date DESC, name`);
  const sizes = new Map(
    (await rows(ch, 'list sizes', `SELECT campaign_id, count() AS n FROM ${TABLES.campaignContacts} FINAL GROUP BY campaign_id`)).map((x) => [str(x['campaign_id']), Number(x['n'])]),
  );
  return r.map((x) => ({ ...toCampaign(x), list_size: sizes.get(str(x['campaign_id'])) ?? 0 }));
}

export async function getCampaign(ch: ClickHouse, id: string): Promise<Campaign | null> {
  const r = await rows(ch, 'a campaign', `SELECT ${CAMPAIGN_COLS} FROM ${TABLES.campaigns} FINAL WHERE campaign_id = {id:String}`, { id });
  return r[0] ? toCampaign(r[0]) : null;
}

export async function saveCampaign(ch: ClickHouse, c: Campaign): Promise<void> {
  const { updated_at_ms, ...rest } = c;
  await insert(ch, 'a campaign', TABLES.campaigns, [{ ...rest, updated_at: updated_at_ms }]);
}

export async function contacts(ch: ClickHouse, campaignId: string): Promise<Array<CampaignContact & { line: number }>> {
  const r = await rows(
    ch,
    'contacts',
    `SELECT contact_id, phone, phone_norm, fields, line FROM ${TABLES.campaignContacts} FINAL WHERE campaign_id = {id:String} ORDER BY line, contact_id`,
    { id: campaignId },
  );
  return r.map((x) => ({ contact_id: str(x['contact_id']), phone: str(x['phone']), phone_norm: str(x['phone_norm']), fields: JSON.parse(str(x['fields'])) as Record<string, string>, line: Number(x['line']) }));
}

export async function storeContacts(ch: ClickHouse, campaignId: string, list: ReadonlyArray<CampaignContact & { line: number }>, nowMs: number): Promise<void> {
  for (let i = 0; i < list.length; i += 10_000) {
    await insert(
      ch,
      'contacts',
      TABLES.campaignContacts,
      list.slice(i, i + 10_000).map((c) => ({ campaign_id: campaignId, contact_id: c.contact_id, phone: c.phone, phone_norm: c.phone_norm, fields: JSON.stringify(c.fields), line: c.line, updated_at: nowMs })),
    );
  }
}

export async function results(ch: ClickHouse, campaignId: string): Promise<RecordedResult[]> {
  const r = await rows(
    ch,
    'results',
    `SELECT contact_id, toUnixTimestamp(at) AS at_s, agent, code FROM ${TABLES.campaignResults} FINAL WHERE campaign_id = {id:String} ORDER BY at, contact_id`,
    { id: campaignId },
  );
  return r.map((x) => ({ contact_id: str(x['contact_id']), at_s: Number(x['at_s']), agent: str(x['agent']), code: str(x['code']) }));
}

export async function resultKeys(ch: ClickHouse, campaignId: string): Promise<Set<string>> {
  return new Set((await results(ch, campaignId)).map((r) => `${r.contact_id}\0${r.at_s}\0${r.agent}`));
}

export async function storeResults(
  ch: ClickHouse,
  campaignId: string,
  list: ReadonlyArray<RecordedResult & { note: string }>,
  source: string,
  nowMs: number,
): Promise<void> {
  await insert(
    ch,
    'results',
    TABLES.campaignResults,
    list.map((r) => ({ campaign_id: campaignId, contact_id: r.contact_id, at: r.at_s, agent: r.agent, code: r.code, note: r.note, source, updated_at: nowMs })),
  );
}

/**
 * Outbound legs in [fromS, toS) whose dialed number ends with one of `tails` (the exact
 * comparison after normalization is the caller's): the calling device's channel, not a Local/
 * helper channel, in one of `contexts` when any is given.
 */
export async function outboundLegs(
  ch: ClickHouse,
  q: { fromS: number; toS: number; tails: readonly string[]; contexts: readonly string[] },
): Promise<Array<{ key: string; dst: string; channel: string; start_s: number; disposition: string }>> {
  if (q.tails.length === 0) return [];
  const r = await rows(
    ch,
    'outbound CDR legs',
    `SELECT if(linkedid != '', linkedid, uniqueid) AS key, dst, channel, toUnixTimestamp(start) AS start_s, disposition
     FROM ${TABLES.cdr} FINAL
     WHERE start >= toDateTime({from:UInt32}) AND start < toDateTime({to:UInt32})
       AND NOT startsWith(channel, 'Local/')
       AND right(replaceRegexpAll(dst, '[^0-9]', ''), 7) IN {tails:Array(String)}
       ${q.contexts.length > 0 ? 'AND dcontext IN {contexts:Array(String)}' : ''}
     ORDER BY start, key`,
    { from: q.fromS, to: q.toS, tails: [...q.tails], contexts: [...q.contexts] },
  );
  return r.map((x) => ({ key: str(x['key']), dst: str(x['dst']), channel: str(x['channel']), start_s: Number(x['start_s']), disposition: str(x['disposition']) }));
}

export async function readSettings(ch: ClickHouse): Promise<Record<string, string>> {
  const r = await rows(ch, 'campaign settings', `SELECT key, value FROM ${TABLES.campaignSettings} FINAL`);
  return Object.fromEntries(r.map((x) => [str(x['key']), str(x['value'])]));
}

export async function writeSettings(ch: ClickHouse, values: Record<string, string>, by: string, nowMs: number): Promise<void> {
  await insert(ch, 'campaign settings', TABLES.campaignSettings, Object.entries(values).map(([key, value]) => ({ key, value, updated_by: by, updated_at: nowMs })));
}
