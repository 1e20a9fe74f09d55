// Outbound campaigns (issue 17): the campaign, its contact list, the attempts (outbound CDR legs
// of agents to listed numbers and results recorded by agents or a client's system), the result
// codes, the figures and the consolidated results file. Types and constants only; re-exported
// by ../contract.ts for the dashboard and the CLI. Definitions: docs/kpi-definitions.md §16.
import type { QaResult } from '../quality/contract.ts';

/** A result code: whether it means the contact was reached, and whether it is a success. */
export interface ResultCode {
  code: string;
  label_es: string;
  label_en: string;
  contacted: boolean;
  success: boolean;
}

/** Codes the CDR gives an attempt nobody typified (answered / busy / anything else); they must exist. */
export const CDR_CODES = { answered: 'contacted', busy: 'busy', other: 'no_answer' } as const;

export interface CampaignSettings {
  codes: ResultCode[];
  /** Dialing prefixes stripped from phone numbers (longest first, once): e.g. a trunk's 9, a country code 57. */
  phone_prefixes: string[];
  /** CDR contexts of agents' outbound calls ([] = any context). */
  outbound_contexts: string[];
  /** A recorded result and a CDR leg of the same contact at most this far apart are one attempt. */
  match_window_s: number;
}

export const DEFAULT_RESULT_CODES: readonly ResultCode[] = [
  { code: 'success', label_es: 'Exitoso', label_en: 'Success', contacted: true, success: true },
  { code: 'contacted', label_es: 'Contactado', label_en: 'Contacted', contacted: true, success: false },
  { code: 'callback', label_es: 'Volver a llamar', label_en: 'Call back', contacted: true, success: false },
  { code: 'refused', label_es: 'No acepta', label_en: 'Refused', contacted: true, success: false },
  { code: 'no_answer', label_es: 'No contesta', label_en: 'No answer', contacted: false, success: false },
  { code: 'busy', label_es: 'Ocupado', label_en: 'Busy', contacted: false, success: false },
  { code: 'wrong_number', label_es: 'Número equivocado', label_en: 'Wrong number', contacted: false, success: false },
];

/** The rules of the settings' values, shared by the service's check and the page's. */
export const CAMPAIGN_SETTING_RULES = {
  /** A result code: a lower-case letter, then lower-case letters, digits and _ (40 at most). */
  code: /^[a-z][a-z0-9_]{0,39}$/,
  maxCodes: 40,
  maxLabel: 80,
  phonePrefix: /^\d{1,6}$/,
  outboundContext: /^[\w.-]{1,80}$/,
  maxListValues: 50,
  maxMatchWindowS: 86_400,
} as const;

export const DEFAULT_CAMPAIGN_SETTINGS: CampaignSettings = { codes: [...DEFAULT_RESULT_CODES], phone_prefixes: [], outbound_contexts: [], match_window_s: 600 };

export interface Campaign {
  campaign_id: string;
  name: string;
  purpose: string;
  /** First and last day (YYYY-MM-DD, site time zone), both included. */
  start_date: string;
  end_date: string;
  /** Name of the client's list (free text). */
  target_list: string;
  created_by: string;
  updated_at_ms: number;
}

export interface CampaignListItem extends Campaign {
  list_size: number;
}

export interface CampaignContact {
  contact_id: string;
  phone: string;
  /** The phone after the normalization rule (kpi-definitions §16). */
  phone_norm: string;
  fields: Record<string, string>;
}

/** One attempt to reach a listed contact. */
export interface Attempt {
  contact_id: string;
  at_s: number;
  agent: string;
  code: string;
  /** 'cdr': a leg nobody typified; 'result': a recorded result with no leg; 'both': a result matched to its leg. */
  source: 'cdr' | 'result' | 'both';
}

export interface CampaignFigures {
  list_size: number;
  /** Listed contacts with at least one attempt. */
  attempted: number;
  attempts: number;
  /** attempts / attempted (2 decimals). */
  attempts_per_contact: number | null;
  /** Contacts reached at least once (an attempt with a `contacted` code). */
  contacted: number;
  /** Contacts with at least one attempt with a `success` code. */
  success: number;
  /** attempted / list size, %. */
  coverage_pct: number | null;
  /** contacted / attempted, %. */
  contact_rate_pct: number | null;
  /** success / contacted, %. */
  effectiveness_pct: number | null;
}

/** The same figures for one agent or one day (list size and coverage do not apply). */
export interface CampaignBreakdown {
  key: string;
  attempts: number;
  attempted: number;
  attempts_per_contact: number | null;
  contacted: number;
  success: number;
  contact_rate_pct: number | null;
  effectiveness_pct: number | null;
}

/** One listed contact as the client gets it back. */
export interface ConsolidatedRow {
  contact_id: string;
  phone: string;
  fields: Record<string, string>;
  /** Code of the latest attempt; '' = never attempted. */
  final_code: string;
  attempts: number;
  /** Epoch seconds of the latest attempt; null = never attempted. */
  last_attempt_s: number | null;
  /** Agent of the latest attempt. */
  agent: string;
}

export interface CampaignDetail {
  campaign: Campaign;
  tz: string;
  codes: ResultCode[];
  figures: CampaignFigures;
  by_agent: CampaignBreakdown[];
  by_day: CampaignBreakdown[];
  /** Contacts per final code ('' = not attempted). */
  final_codes: Array<{ code: string; contacts: number }>;
}

export interface Consolidated {
  campaign: Campaign;
  tz: string;
  codes: ResultCode[];
  /** The list's free field names, in the order of the first import. */
  field_names: string[];
  rows: ConsolidatedRow[];
}

/** What an import did: every data line is accepted or rejected with its reason. */
export interface ImportReport {
  lines: number;
  accepted: number;
  /** Accepted rows that were not stored before (the rest replaced themselves: re-imports are idempotent). */
  new: number;
  rejected: number;
  reasons: Array<{ line: number; reason: string }>;
}

export const CAMPAIGN_FILE_FORMATS = ['csv', 'xlsx'] as const;
export type CampaignFileFormat = (typeof CAMPAIGN_FILE_FORMATS)[number];

export interface CampaignFile {
  filename: string;
  content_type: string;
  body: Buffer;
}

export type CampaignResult<T> = QaResult<T>;

/** The campaigns service the dashboard's /api/campaigns routes and the CLI call. */
export interface CampaignsApi {
  settings(): Promise<CampaignSettings>;
  saveSettings(input: unknown, by: string): Promise<CampaignResult<CampaignSettings>>;
  list(): Promise<CampaignListItem[]>;
  create(input: unknown, by: string): Promise<CampaignResult<Campaign>>;
  update(id: string, input: unknown, by: string): Promise<CampaignResult<Campaign>>;
  detail(id: string): Promise<CampaignResult<CampaignDetail>>;
  importContacts(id: string, csv: string): Promise<CampaignResult<ImportReport>>;
  importResults(id: string, csv: string, source: string): Promise<CampaignResult<ImportReport>>;
  consolidated(id: string): Promise<CampaignResult<Consolidated>>;
  file(id: string, o: { format: CampaignFileFormat; lang: 'es' | 'en'; sep?: ';' | ',' }): Promise<CampaignResult<CampaignFile>>;
}
