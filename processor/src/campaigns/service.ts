// The campaigns service behind /api/campaigns, /ingest/campaign-results and `tablero campaign`:
// campaigns, contact-list and results imports, the settings, the figures and the consolidated
// file. Input is checked here (core/), figures are computed once (core/figures.ts).
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ClickHouse } from '@tablero/sql';
import { localToEpoch } from '../core/calendar.ts';
import {
  DEFAULT_CAMPAIGN_SETTINGS, type Campaign, type CampaignContact, type CampaignResult, type CampaignSettings, type CampaignsApi, type Consolidated, type ImportReport,
} from './contract.ts';
import { campaignNumbers, matchAttempts, type CampaignNumbers, type ContactLeg } from './core/figures.ts';
import { parseContacts, parseResults, type Rejected } from './core/imports.ts';
import { normalizePhone, phoneTail } from './core/phone.ts';
import { checkCampaign, checkSettings } from './core/settings.ts';
import { consolidatedFile } from './files.ts';
import * as store from './store/campaign-store.ts';

export interface CampaignsServiceDeps {
  ch: ClickHouse;
  log: Logger;
  /** Site time zone: a campaign's days, the figures per day, local times in files. */
  tz: string;
  now?: () => number;
  newId?: () => string;
}

const ok = <T>(value: T): CampaignResult<T> => ({ ok: true, value });
const invalid = (reason: string): { ok: false; error: 'invalid'; reason: string } => ({ ok: false, error: 'invalid', reason });
const notFound = (reason: string): { ok: false; error: 'not_found'; reason: string } => ({ ok: false, error: 'not_found', reason });

/** Stored settings over the defaults (each key a JSON value; a bad stored value falls back). */
export function settingsFrom(raw: Record<string, string>): CampaignSettings {
  const parsed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    try {
      parsed[k] = JSON.parse(v) as unknown;
    } catch {
      // A value no writer of ours stores: ignored, the default stays.
    }
  }
  const checked = checkSettings(parsed, DEFAULT_CAMPAIGN_SETTINGS);
  return checked.ok ? checked.value : DEFAULT_CAMPAIGN_SETTINGS;
}

/** The device of a channel: `SIP/1001-0000001a` -> `SIP/1001` (the agent of an outbound leg). */
export function channelDevice(channel: string): string {
  const dash = channel.lastIndexOf('-');
  return dash > channel.indexOf('/') ? channel.slice(0, dash) : channel;
}

/** [first day 00:00, day after the last 00:00) in the site zone. */
export function campaignSpan(c: Pick<Campaign, 'start_date' | 'end_date'>, tz: string): { fromS: number; toS: number } {
  const [y1, m1, d1] = c.start_date.split('-').map(Number) as [number, number, number];
  const [y2, m2, d2] = c.end_date.split('-').map(Number) as [number, number, number];
  const after = new Date(Date.UTC(y2, m2 - 1, d2 + 1));
  return { fromS: localToEpoch(y1, m1, d1, 0, 0, tz), toS: localToEpoch(after.getUTCFullYear(), after.getUTCMonth() + 1, after.getUTCDate(), 0, 0, tz) };
}

function report(lines: number, accepted: number, fresh: number, rejected: readonly Rejected[]): ImportReport {
  return { lines, accepted, new: fresh, rejected: rejected.length, reasons: [...rejected] };
}

export function createCampaignsService(deps: CampaignsServiceDeps): CampaignsApi {
  const { ch, log, tz } = deps;
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? randomUUID;
  const settings = async (): Promise<CampaignSettings> => settingsFrom(await store.readSettings(ch));

  /** The listed contacts' legs in the campaign's days, one per call (an answered leg preferred). */
  async function legsOf(c: Campaign, list: readonly CampaignContact[], s: CampaignSettings): Promise<ContactLeg[]> {
    const byPhone = new Map(list.map((x) => [x.phone_norm, x.contact_id]));
    const span = campaignSpan(c, tz);
    const raw = await store.outboundLegs(ch, { fromS: span.fromS, toS: span.toS, tails: [...new Set(list.map((x) => phoneTail(x.phone_norm)))], contexts: s.outbound_contexts });
    const calls = new Map<string, ContactLeg>();
    for (const l of raw) {
      const norm = normalizePhone(l.dst, s.phone_prefixes);
      const contact = norm === null ? undefined : byPhone.get(norm);
      if (contact === undefined) continue;
      const key = `${l.key}\0${contact}`;
      const seen = calls.get(key);
      if (seen && !(seen.disposition !== 'ANSWERED' && l.disposition === 'ANSWERED')) continue;
      calls.set(key, { contact_id: contact, at_s: seen ? Math.min(seen.at_s, l.start_s) : l.start_s, agent: channelDevice(l.channel), disposition: l.disposition });
    }
    return [...calls.values()];
  }

  async function load(id: string): Promise<CampaignResult<{ c: Campaign; s: CampaignSettings; list: Array<CampaignContact & { line: number }>; n: CampaignNumbers }>> {
    const c = await store.getCampaign(ch, id);
    if (!c) return notFound(`campaign ${id}`);
    const [s, list, recorded] = await Promise.all([settings(), store.contacts(ch, id), store.results(ch, id)]);
    const attempts = matchAttempts(await legsOf(c, list, s), recorded, s.match_window_s);
    return ok({ c, s, list, n: campaignNumbers(list, attempts, s.codes, tz) });
  }

  async function consolidated(id: string): Promise<CampaignResult<Consolidated>> {
    const r = await load(id);
    if (!r.ok) return r;
    const { c, s, list, n } = r.value;
    const names: string[] = [];
    for (const x of list) for (const k of Object.keys(x.fields)) if (!names.includes(k)) names.push(k);
    return ok({ campaign: c, tz, codes: s.codes, field_names: names, rows: n.rows });
  }

  return {
    settings,

    async saveSettings(input, by) {
      const checked = checkSettings(input, await settings());
      if (!checked.ok) return invalid(checked.reason);
      const v = checked.value;
      await store.writeSettings(
        ch,
        { codes: JSON.stringify(v.codes), phone_prefixes: JSON.stringify(v.phone_prefixes), outbound_contexts: JSON.stringify(v.outbound_contexts), match_window_s: JSON.stringify(v.match_window_s) },
        by,
        now(),
      );
      log.info({ by, codes: v.codes.length }, 'campaign settings saved');
      return ok(v);
    },

    list: () => store.listCampaigns(ch),

    async create(input, by) {
      const checked = checkCampaign(input, null);
      if (!checked.ok) return invalid(checked.reason);
      const c: Campaign = { campaign_id: newId(), ...checked.value, created_by: by, updated_at_ms: now() };
      await store.saveCampaign(ch, c);
      log.info({ by, campaign: c.campaign_id }, 'campaign created');
      return ok(c);
    },

    async update(id, input, by) {
      const current = await store.getCampaign(ch, id);
      if (!current) return notFound(`campaign ${id}`);
      const checked = checkCampaign(input, current);
      if (!checked.ok) return invalid(checked.reason);
      const c: Campaign = { ...current, ...checked.value, updated_at_ms: Math.max(now(), current.updated_at_ms + 1) };
      await store.saveCampaign(ch, c);
      log.info({ by, campaign: id }, 'campaign changed');
      return ok(c);
    },

    async detail(id) {
      const r = await load(id);
      if (!r.ok) return r;
      const { c, s, n } = r.value;
      return ok({ campaign: c, tz, codes: s.codes, figures: n.figures, by_agent: n.by_agent, by_day: n.by_day, final_codes: n.final_codes });
    },

    async importContacts(id, csv) {
      const c = await store.getCampaign(ch, id);
      if (!c) return notFound(`campaign ${id}`);
      const [s, stored] = await Promise.all([settings(), store.contacts(ch, id)]);
      const parsed = parseContacts(csv, s.phone_prefixes, new Map(stored.map((x) => [x.phone_norm, x.contact_id])));
      if (!parsed.ok) return invalid(parsed.reason);
      const known = new Set(stored.map((x) => x.contact_id));
      // A contact already listed keeps its first line number, so the file keeps the client's order.
      const lineOf = new Map(stored.map((x) => [x.contact_id, x.line]));
      const next = stored.length === 0 ? 0 : Math.max(...stored.map((x) => x.line));
      const rows = parsed.contacts.map((x) => ({ ...x, line: lineOf.get(x.contact_id) ?? next + x.line }));
      await store.storeContacts(ch, id, rows, now());
      const fresh = rows.filter((x) => !known.has(x.contact_id)).length;
      log.info({ campaign: id, accepted: rows.length, rejected: parsed.rejected.length }, 'campaign contacts imported');
      return ok(report(parsed.lines, rows.length, fresh, parsed.rejected));
    },

    async importResults(id, csv, source) {
      const c = await store.getCampaign(ch, id);
      if (!c) return notFound(`campaign ${id}`);
      const [s, stored] = await Promise.all([settings(), store.contacts(ch, id)]);
      const span = campaignSpan(c, tz);
      const parsed = parseResults(csv, {
        contacts: new Set(stored.map((x) => x.contact_id)),
        codes: s.codes,
        fromS: span.fromS,
        toS: span.toS,
        localToEpoch: (y, mo, d, h, mi) => localToEpoch(y, mo, d, h, mi, tz),
      });
      if (!parsed.ok) return invalid(parsed.reason);
      const keys = await store.resultKeys(ch, id);
      const fresh = new Set(parsed.results.map((r) => `${r.contact_id}\0${r.at_s}\0${r.agent}`).filter((k) => !keys.has(k))).size;
      await store.storeResults(ch, id, parsed.results, source, now());
      log.info({ campaign: id, source, accepted: parsed.results.length, rejected: parsed.rejected.length }, 'campaign results imported');
      return ok(report(parsed.lines, parsed.results.length, fresh, parsed.rejected));
    },

    consolidated,

    async file(id, o) {
      const r = await consolidated(id);
      if (!r.ok) return r;
      return ok(await consolidatedFile(r.value, o));
    },
  };
}
