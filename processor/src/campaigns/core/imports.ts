// The contact list and results imports: CSV text -> accepted rows and rejected lines with their
// reason (kpi-definitions §16). Nothing valid is dropped for a neighbour's fault: each line is
// judged alone, except that a contact id or phone already accepted earlier in the same list
// rejects the later line (`duplicate_contact`, `duplicate_phone`). Pure.
import type { CampaignContact, ResultCode } from '../contract.ts';
import { readCsvTable } from './csv-table.ts';
import { normalizePhone } from './phone.ts';

export interface Rejected {
  line: number;
  reason: string;
}

export type HeaderProblem = { ok: false; reason: string };

const ID_NAMES = ['contact_id', 'id_contacto', 'id'];
const PHONE_NAMES = ['phone', 'telefono', 'teléfono'];
export const MAX_ID_CHARS = 100;
export const MAX_FIELD_CHARS = 1000;
export const MAX_FIELDS = 50;

function column(header: string[], names: readonly string[]): number {
  return header.findIndex((h) => names.includes(h.toLowerCase()));
}

export interface ParsedContacts {
  ok: true;
  lines: number;
  field_names: string[];
  contacts: Array<CampaignContact & { line: number }>;
  rejected: Rejected[];
}

/**
 * A contact list: a header naming `contact_id` (or id_contacto, id) and `phone` (or telefono),
 * any other columns are the contact's free fields. `takenPhones` maps phones already stored to
 * their contact id (another id with the same phone is rejected: a dialed number must name one contact).
 */
export function parseContacts(text: string, prefixes: readonly string[], takenPhones: ReadonlyMap<string, string>): ParsedContacts | HeaderProblem {
  const table = readCsvTable(text);
  if (!table) return { ok: false, reason: 'the file has no header line' };
  const { header } = table;
  const idAt = column(header, ID_NAMES);
  const phoneAt = column(header, PHONE_NAMES);
  if (idAt === -1 || phoneAt === -1) return { ok: false, reason: 'the header must name the columns contact_id and phone' };
  if (new Set(header.map((h) => h.toLowerCase())).size !== header.length) return { ok: false, reason: 'the header names a column twice' };
  const fieldAt = header.map((h, i) => ({ h, i })).filter(({ i }) => i !== idAt && i !== phoneAt);
  if (fieldAt.some(({ h }) => h === '')) return { ok: false, reason: 'a column of the header has no name' };
  if (fieldAt.length > MAX_FIELDS) return { ok: false, reason: `at most ${MAX_FIELDS} free fields` };
  const out: ParsedContacts = { ok: true, lines: 0, field_names: fieldAt.map(({ h }) => h), contacts: [], rejected: [] };
  const ids = new Set<string>();
  const phones = new Map(takenPhones);
  for (const r of table.records) {
    out.lines++;
    const reject = (reason: string): void => void out.rejected.push({ line: r.line, reason });
    if (r.cells === null) {
      reject('bad_csv');
      continue;
    }
    if (r.cells.length !== header.length) {
      reject('column_count');
      continue;
    }
    if (r.cells.some((c) => c.includes('\0'))) {
      reject('nul_byte');
      continue;
    }
    const id = (r.cells[idAt] as string).trim();
    const phone = (r.cells[phoneAt] as string).trim();
    if (id === '') {
      reject('no_contact_id');
      continue;
    }
    if (id.length > MAX_ID_CHARS) {
      reject('contact_id_too_long');
      continue;
    }
    if (phone === '') {
      reject('no_phone');
      continue;
    }
    const norm = normalizePhone(phone, prefixes);
    if (norm === null) {
      reject('bad_phone');
      continue;
    }
    if (ids.has(id)) {
      reject('duplicate_contact');
      continue;
    }
    const owner = phones.get(norm);
    if (owner !== undefined && owner !== id) {
      reject('duplicate_phone');
      continue;
    }
    const fields: Record<string, string> = {};
    let long = false;
    for (const { h, i } of fieldAt) {
      const v = (r.cells[i] as string).trim();
      if (v.length > MAX_FIELD_CHARS) long = true;
      fields[h] = v;
    }
    if (long) {
      reject('field_too_long');
      continue;
    }
    ids.add(id);
    phones.set(norm, id);
    out.contacts.push({ contact_id: id, phone, phone_norm: norm, fields, line: r.line });
  }
  return out;
}

export interface ResultRow {
  contact_id: string;
  at_s: number;
  agent: string;
  code: string;
  note: string;
  line: number;
}

export interface ParsedResults {
  ok: true;
  lines: number;
  results: ResultRow[];
  rejected: Rejected[];
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;
const ZONED = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** A time of the results file: ISO with an offset, epoch seconds, or a local `YYYY-MM-DD HH:MM[:SS]` of the site zone. */
export function parseResultTime(v: string, localToEpoch: (y: number, mo: number, d: number, h: number, mi: number) => number): number | null {
  if (/^\d{9,11}$/.test(v)) return Number(v);
  if (ZONED.test(v)) {
    const t = Date.parse(v.replace(' ', 'T'));
    return Number.isNaN(t) ? null : Math.floor(t / 1000);
  }
  const m = LOCAL.exec(v);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((k) => Number(m[k] ?? 0)) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const back = new Date(Date.UTC(y, mo - 1, d));
  if (back.getUTCMonth() !== mo - 1) return null; // 31 April and the like
  return localToEpoch(y, mo, d, h, mi) + s;
}

/**
 * A results file: `contact_id`, `result` (or code, resultado), `at` (or fecha), `agent` (or
 * agente), optional `note` (or nota). The contact must be on the list, the code one of the
 * settings, the time inside the campaign's days [fromS, toS).
 */
export function parseResults(
  text: string,
  o: { contacts: ReadonlySet<string>; codes: readonly ResultCode[]; fromS: number; toS: number; localToEpoch: (y: number, mo: number, d: number, h: number, mi: number) => number },
): ParsedResults | HeaderProblem {
  const table = readCsvTable(text);
  if (!table) return { ok: false, reason: 'the file has no header line' };
  const { header } = table;
  const at = {
    id: column(header, ID_NAMES),
    code: column(header, ['result', 'code', 'resultado']),
    time: column(header, ['at', 'time', 'fecha']),
    agent: column(header, ['agent', 'agente']),
    note: column(header, ['note', 'nota']),
  };
  if (at.id === -1 || at.code === -1 || at.time === -1 || at.agent === -1) return { ok: false, reason: 'the header must name the columns contact_id, result, at and agent' };
  const codes = new Set(o.codes.map((c) => c.code));
  const out: ParsedResults = { ok: true, lines: 0, results: [], rejected: [] };
  for (const r of table.records) {
    out.lines++;
    const reject = (reason: string): void => void out.rejected.push({ line: r.line, reason });
    if (r.cells === null) {
      reject('bad_csv');
      continue;
    }
    if (r.cells.length !== header.length) {
      reject('column_count');
      continue;
    }
    const cell = (i: number): string => (i === -1 ? '' : (r.cells as string[])[i]?.trim() ?? '');
    const id = cell(at.id);
    if (id === '') {
      reject('no_contact_id');
      continue;
    }
    if (!o.contacts.has(id)) {
      reject('unknown_contact');
      continue;
    }
    const code = cell(at.code).toLowerCase();
    if (!codes.has(code)) {
      reject('unknown_code');
      continue;
    }
    const t = parseResultTime(cell(at.time), o.localToEpoch);
    if (t === null) {
      reject('bad_time');
      continue;
    }
    if (t < o.fromS || t >= o.toS) {
      reject('outside_dates');
      continue;
    }
    const agent = cell(at.agent);
    if (agent === '' || agent.length > 200) {
      reject('no_agent');
      continue;
    }
    out.results.push({ contact_id: id, at_s: t, agent, code, note: cell(at.note).slice(0, MAX_FIELD_CHARS), line: r.line });
  }
  return out;
}
