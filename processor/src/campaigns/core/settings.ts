// Checks of the campaign settings and of a campaign's own fields. Pure.
import { CAMPAIGN_SETTING_RULES as RULES, CDR_CODES, type CampaignSettings, type ResultCode } from '../contract.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

const text = (v: unknown, max: number): string | null => (typeof v === 'string' && v.trim() !== '' && v.trim().length <= max ? v.trim() : null);

function strings(v: unknown, what: string, pattern: RegExp): Checked<string[]> {
  if (!Array.isArray(v) || v.length > RULES.maxListValues) return { ok: false, reason: `${what} must be a list of at most ${RULES.maxListValues} values` };
  const out: string[] = [];
  for (const s of v) {
    if (typeof s !== 'string' || !pattern.test(s.trim())) return { ok: false, reason: `${what}: "${String(s)}" is not valid` };
    out.push(s.trim());
  }
  return { ok: true, value: out };
}

/** Settings over `current`: every key given is checked; the CDR's codes must stay defined. */
export function checkSettings(input: unknown, current: CampaignSettings): Checked<CampaignSettings> {
  if (!isObj(input)) return { ok: false, reason: 'settings must be an object' };
  const next: CampaignSettings = { ...current };
  if (input['codes'] !== undefined) {
    const list = input['codes'];
    if (!Array.isArray(list) || list.length === 0 || list.length > RULES.maxCodes) return { ok: false, reason: `codes must be a list of 1 to ${RULES.maxCodes} result codes` };
    const codes: ResultCode[] = [];
    for (const [i, c] of list.entries()) {
      if (!isObj(c)) return { ok: false, reason: `codes[${i}] must be an object` };
      const code = typeof c['code'] === 'string' ? c['code'].trim() : '';
      if (!RULES.code.test(code)) return { ok: false, reason: `codes[${i}].code must be lower-case letters, digits and _` };
      if (codes.some((x) => x.code === code)) return { ok: false, reason: `code ${code} is listed twice` };
      const es = text(c['label_es'], RULES.maxLabel);
      const en = text(c['label_en'], RULES.maxLabel);
      if (es === null || en === null) return { ok: false, reason: `codes[${i}] needs label_es and label_en` };
      const contacted = c['contacted'] === true;
      const success = c['success'] === true;
      if (success && !contacted) return { ok: false, reason: `code ${code}: a success is a contact too (contacted must be true)` };
      codes.push({ code, label_es: es, label_en: en, contacted, success });
    }
    for (const needed of Object.values(CDR_CODES)) {
      if (!codes.some((c) => c.code === needed)) return { ok: false, reason: `code ${needed} must stay: the CDR gives it to attempts nobody typified` };
    }
    next.codes = codes;
  }
  if (input['phone_prefixes'] !== undefined) {
    const p = strings(input['phone_prefixes'], 'phone_prefixes', RULES.phonePrefix);
    if (!p.ok) return p;
    next.phone_prefixes = p.value;
  }
  if (input['outbound_contexts'] !== undefined) {
    const p = strings(input['outbound_contexts'], 'outbound_contexts', RULES.outboundContext);
    if (!p.ok) return p;
    next.outbound_contexts = p.value;
  }
  if (input['match_window_s'] !== undefined) {
    const w = input['match_window_s'];
    if (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w > RULES.maxMatchWindowS) return { ok: false, reason: `match_window_s must be a whole number of seconds from 0 to ${RULES.maxMatchWindowS}` };
    next.match_window_s = w;
  }
  return { ok: true, value: next };
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
export function isDay(s: string): boolean {
  const m = DAY.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

export interface CampaignFields {
  name: string;
  purpose: string;
  start_date: string;
  end_date: string;
  target_list: string;
}

/** A campaign's fields over `current` (a new one: all of name, start_date and end_date are needed). */
export function checkCampaign(input: unknown, current: CampaignFields | null): Checked<CampaignFields> {
  if (!isObj(input)) return { ok: false, reason: 'the campaign must be an object' };
  const next: CampaignFields = current ? { ...current } : { name: '', purpose: '', start_date: '', end_date: '', target_list: '' };
  for (const k of ['name', 'purpose', 'target_list'] as const) {
    const v = input[k];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.trim().length > (k === 'name' ? 120 : 500)) return { ok: false, reason: `${k} must be text of at most ${k === 'name' ? 120 : 500} characters` };
    next[k] = v.trim();
  }
  for (const k of ['start_date', 'end_date'] as const) {
    const v = input[k];
    if (v === undefined) continue;
    if (typeof v !== 'string' || !isDay(v)) return { ok: false, reason: `${k} must be a date YYYY-MM-DD` };
    next[k] = v;
  }
  if (next.name === '') return { ok: false, reason: 'name is required' };
  if (next.start_date === '' || next.end_date === '') return { ok: false, reason: 'start_date and end_date are required' };
  if (next.end_date < next.start_date) return { ok: false, reason: 'end_date must not be before start_date' };
  return { ok: true, value: next };
}
