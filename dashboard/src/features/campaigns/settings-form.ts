// The campaign settings form (result codes, phone prefixes, outbound contexts, match window):
// what the page edits, the page's own check before `PUT /api/campaigns/settings` (the rules are
// the service's, CAMPAIGN_SETTING_RULES), and a refusal of the service put in the page's words.
import { CAMPAIGN_SETTING_RULES as RULES, type CampaignSettings, type ResultCode } from '@tablero/processor/contract';
import type { CampaignTextKey } from './texts.ts';

/** The form as typed: the lists as comma-separated text, the window as the input's text. */
export interface SettingsDraft {
  codes: ResultCode[];
  prefixes: string;
  contexts: string;
  window: string;
}

/** Why the page (or the service) refused: a catalog key and its values. */
export interface Refusal {
  key: CampaignTextKey;
  params?: Record<string, string | number>;
}

export const draftOf = (s: CampaignSettings): SettingsDraft => ({
  codes: s.codes.map((c) => ({ ...c })),
  prefixes: s.phone_prefixes.join(', '),
  contexts: s.outbound_contexts.join(', '),
  window: String(s.match_window_s),
});

const listOf = (text: string): string[] => text.split(/[,\s]+/).filter((v) => v !== '');

/** The body to save, or the first thing wrong with the draft (positions counted from 1). */
export function checkDraft(d: SettingsDraft): { ok: true; body: CampaignSettings } | { ok: false; refusal: Refusal } {
  const no = (key: CampaignTextKey, params?: Refusal['params']) => ({ ok: false as const, refusal: { key, params } });
  if (d.codes.length === 0 || d.codes.length > RULES.maxCodes) return no('s_count', { max: RULES.maxCodes });
  const codes: ResultCode[] = [];
  for (const [i, c] of d.codes.entries()) {
    const code = c.code.trim();
    if (!RULES.code.test(code)) return no('s_code_format', { n: i + 1 });
    if (codes.some((x) => x.code === code)) return no('s_twice', { code });
    const es = c.label_es.trim();
    const en = c.label_en.trim();
    if (es === '' || en === '' || es.length > RULES.maxLabel || en.length > RULES.maxLabel) return no('s_labels', { n: i + 1, max: RULES.maxLabel });
    if (c.success && !c.contacted) return no('s_success_contact', { code });
    codes.push({ code, label_es: es, label_en: en, contacted: c.contacted, success: c.success });
  }
  const lists = [[listOf(d.prefixes), RULES.phonePrefix, 's_prefix'], [listOf(d.contexts), RULES.outboundContext, 's_context']] as const;
  for (const [values, pattern, key] of lists) {
    if (values.length > RULES.maxListValues) return no('s_list_size', { max: RULES.maxListValues });
    const bad = values.find((v) => !pattern.test(v));
    if (bad !== undefined) return no(key, { v: bad });
  }
  const w = d.window.trim();
  if (!/^\d+$/.test(w) || Number(w) > RULES.maxMatchWindowS) return no('s_window', { max: RULES.maxMatchWindowS });
  return { ok: true, body: { codes, phone_prefixes: lists[0][0], outbound_contexts: lists[1][0], match_window_s: Number(w) } };
}

/** The service's refusals (processor/src/campaigns/core/settings.ts) as catalog keys; null: not one of them. */
const SERVICE_REFUSALS: readonly (readonly [RegExp, (m: RegExpExecArray) => Refusal])[] = [
  [/^codes must be a list of 1 to (\d+)/, (m) => ({ key: 's_count', params: { max: Number(m[1]) } })],
  [/^codes\[(\d+)\]\.code must be/, (m) => ({ key: 's_code_format', params: { n: Number(m[1]) + 1 } })],
  [/^codes\[(\d+)\] needs label_es and label_en$/, (m) => ({ key: 's_labels', params: { n: Number(m[1]) + 1, max: RULES.maxLabel } })],
  [/^code (\S+) is listed twice$/, (m) => ({ key: 's_twice', params: { code: m[1] ?? '' } })],
  [/^code (\S+): a success is a contact too/, (m) => ({ key: 's_success_contact', params: { code: m[1] ?? '' } })],
  [/^code (\S+) must stay: /, (m) => ({ key: 's_must_stay', params: { code: m[1] ?? '' } })],
  [/^(?:phone_prefixes|outbound_contexts) must be a list of at most (\d+)/, (m) => ({ key: 's_list_size', params: { max: Number(m[1]) } })],
  [/^phone_prefixes: "(.*)" is not valid$/, (m) => ({ key: 's_prefix', params: { v: m[1] ?? '' } })],
  [/^outbound_contexts: "(.*)" is not valid$/, (m) => ({ key: 's_context', params: { v: m[1] ?? '' } })],
  [/^match_window_s must be/, () => ({ key: 's_window', params: { max: RULES.maxMatchWindowS } })],
];

export function serviceRefusal(reason: string): Refusal | null {
  for (const [re, to] of SERVICE_REFUSALS) {
    const m = re.exec(reason);
    if (m) return to(m);
  }
  return null;
}
