// Contacts of other channels (chat, video, email, web form, social) -> ContactRecord. Pure: no
// clock, no I/O; parsers answer `{ ok: true, value } | { ok: false, reason, line }`.
//
// CSV (`tablero import --kind contacts`) and JSON (POST /ingest/contacts) carry the same fields.
// CSV: UTF-8, comma (or `;` when the header has no comma) separated, RFC 4180 quotes, one row per
// line; the first line names the columns in any order:
//   contact_id,channel,queue,arrived,first_response,ended,agent,outcome,call_id,ticket_id,rating_<dimension>...
// contact_id, channel and arrived are required columns; the others may be absent or empty.
//   channel:  chat | video | email | webform | social (aliases: mailbox, correo -> email;
//             videollamada, video_call -> video; web_form, formulario -> webform; redes -> social)
//   times:    ISO 8601 with a zone, epoch seconds, or local `YYYY-MM-DD HH:MM[:SS]` (site zone)
//   outcome:  answered | abandoned | unanswered (closed without an answer; alias
//             closed_without_answer), or empty while the contact is open
//   rating_<dimension>: 1..5 or empty, one column per survey dimension (rating_calidad, ...)
// Rules (kpi-definitions §15): first_response and ended are never before arrived, ended never
// before first_response; `answered` needs a first response, `abandoned`/`unanswered` have none;
// an open contact (no outcome) has not ended.
import { createHash } from 'node:crypto';
import {
  CONTACT_CHANNELS,
  MAX_SURVEY_DIMENSIONS,
  SURVEY_DIMENSION_PATTERN,
  type ContactChannel,
  type ContactOutcome,
  type ContactRecord,
} from '../contract.ts';
import { splitCsvLine } from '../core/csv-line.ts';
import { parseTicketTime } from '../tickets/parse.ts';

export type ContactParse = { ok: true; value: ContactRecord } | { ok: false; reason: string; line: number };

export interface ContactContext {
  site: string;
  source: string;
  /** Zone of local `YYYY-MM-DD HH:MM` times. */
  tz: string;
  /** 1-based line (CSV) or record index (JSON). */
  line: number;
}

export const CONTACT_CSV_COLUMNS = ['contact_id', 'channel', 'queue', 'arrived', 'first_response', 'ended', 'agent', 'outcome', 'call_id', 'ticket_id'] as const;
const REQUIRED_COLUMNS = ['contact_id', 'channel', 'arrived'] as const;
const KNOWN = new Set<string>(CONTACT_CSV_COLUMNS);
export const RATING_PREFIX = 'rating_';
const MAX_ID = 100;
const MAX_TEXT = 200;
const CONTROL = /[\u0000-\u001f\u007f]/;
const TIME_FIELDS = ['first_response', 'ended'] as const;
const TEXT_FIELDS = ['queue', 'agent', 'call_id', 'ticket_id'] as const;

const CHANNEL_ALIASES: Record<string, ContactChannel> = {
  mailbox: 'email', correo: 'email', mail: 'email', 'e-mail': 'email',
  videollamada: 'video', video_call: 'video', videocall: 'video',
  web_form: 'webform', 'web-form': 'webform', 'web form': 'webform', formulario: 'webform',
  redes: 'social', social_media: 'social', redes_sociales: 'social',
};
const OUTCOME_ALIASES: Record<string, ContactOutcome> = { closed_without_answer: 'unanswered', sin_respuesta: 'unanswered', atendido: 'answered', abandonado: 'abandoned' };

/** `Correo` -> `email`; null when unknown. */
export function normalizeChannel(text: string): ContactChannel | null {
  const t = text.trim().toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  if ((CONTACT_CHANNELS as readonly string[]).includes(t)) return t as ContactChannel;
  return CHANNEL_ALIASES[t] ?? null;
}

function normalizeOutcome(text: string): ContactOutcome | '' | null {
  const t = text.trim().toLowerCase();
  if (t === '') return '';
  if (t === 'answered' || t === 'abandoned' || t === 'unanswered') return t;
  return OUTCOME_ALIASES[t] ?? null;
}

function text(value: unknown): string | null {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  return value.trim();
}

function empty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (typeof v === 'string' && v.trim() === '');
}

/** The stored version of a state (see ContactRecord.version). */
export function contactVersion(arrived: number, firstResponse: number, ended: number): number {
  const stage = ended > 0 ? 2 : firstResponse > 0 ? 1 : 0;
  return stage * 10_000_000_000 + Math.max(arrived, firstResponse, ended);
}

/** One record (a JSON object, or a CSV row keyed by its header) -> a contact. */
function fail(reason: string, ctx: ContactContext): ContactParse {
  return { ok: false, reason, line: ctx.line };
}

function timeOf(v: unknown, tz: string): number | null {
  return parseTicketTime(typeof v === 'string' ? v.trim() : v, tz);
}

export function contactFromRecord(rec: Record<string, unknown>, ctx: ContactContext): ContactParse {
  const id = text(rec['contact_id']);
  if (id === null) return fail('bad_field:contact_id', ctx);
  if (id === '') return fail('missing_field:contact_id', ctx);
  if (id.length > MAX_ID || CONTROL.test(id)) return fail('bad_field:contact_id', ctx);
  const ch = text(rec['channel']);
  if (ch === null) return fail('bad_field:channel', ctx);
  if (ch === '') return fail('missing_field:channel', ctx);
  const channel = normalizeChannel(ch);
  if (channel === null) return fail('bad_field:channel', ctx);
  if (empty(rec['arrived'])) return fail('missing_field:arrived', ctx);
  const arrived = timeOf(rec['arrived'], ctx.tz);
  if (arrived === null) return fail('bad_field:arrived', ctx);
  const times = { first_response: 0, ended: 0 };
  for (const k of TIME_FIELDS) {
    const v = rec[k];
    if (empty(v)) continue;
    const t = timeOf(v, ctx.tz);
    if (t === null) return fail(`bad_field:${k}`, ctx);
    if (t < arrived) return fail(`before_arrival:${k}`, ctx);
    times[k] = t;
  }
  if (times.ended > 0 && times.first_response > 0 && times.ended < times.first_response) return fail('ended_before_first_response', ctx);
  const oc = text(rec['outcome']);
  const outcome = oc === null ? null : normalizeOutcome(oc);
  if (outcome === null) return fail('bad_field:outcome', ctx);
  if (outcome === 'answered' && times.first_response === 0) return fail('answered_without_first_response', ctx);
  if ((outcome === 'abandoned' || outcome === 'unanswered') && times.first_response > 0) return fail(`${outcome}_with_first_response`, ctx);
  if (outcome === '' && times.ended > 0) return fail('ended_without_outcome', ctx);
  const fields = { queue: '', agent: '', call_id: '', ticket_id: '' };
  for (const k of TEXT_FIELDS) {
    const v = text(rec[k]);
    if (v === null || v.length > MAX_TEXT || CONTROL.test(v)) return fail(`bad_field:${k}`, ctx);
    fields[k] = v;
  }
  const dims: string[] = [];
  const scores: number[] = [];
  const ratings = rec['ratings'];
  const pairs: Array<[string, unknown]> = [];
  if (ratings !== undefined && ratings !== null) {
    if (typeof ratings !== 'object' || Array.isArray(ratings)) return fail('bad_field:ratings', ctx);
    for (const [d, v] of Object.entries(ratings as Record<string, unknown>)) pairs.push([d.toLowerCase(), v]);
  }
  for (const key in rec) {
    if (key.startsWith(RATING_PREFIX)) pairs.push([key.slice(RATING_PREFIX.length), rec[key]]);
  }
  for (const [d, v] of pairs) {
    if (!SURVEY_DIMENSION_PATTERN.test(d)) return fail(`bad_dimension:${d.slice(0, 40)}`, ctx);
    if (empty(v)) continue;
    const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
    if (!/^[1-5]$/.test(s)) return fail(`bad_score:${d}`, ctx);
    if (dims.includes(d)) return fail(`repeated_dimension:${d}`, ctx);
    dims.push(d);
    scores.push(Number(s));
  }
  if (dims.length > MAX_SURVEY_DIMENSIONS) return fail('too_many_dimensions', ctx);
  return {
    ok: true,
    value: {
      site: ctx.site,
      source: ctx.source,
      contact_id: id,
      channel,
      queue: fields.queue,
      arrived,
      first_response: times.first_response,
      ended: times.ended,
      agent: fields.agent,
      outcome,
      call_id: fields.call_id,
      ticket_id: fields.ticket_id,
      rating_dims: dims,
      rating_scores: scores,
      version: contactVersion(arrived, times.first_response, times.ended),
    },
  };
}

export type ContactHeaderParse = { ok: true; value: { names: string[]; sep: string } } | { ok: false; reason: string; line: number };

/** The CSV header: names trimmed and lower case; required columns present; unknown ones refused. */
export function parseContactCsvHeader(line: string): ContactHeaderParse {
  const clean = line.replace(/^\uFEFF/, '').replace(/\r$/, '');
  const sep = clean.includes(';') && !clean.includes(',') ? ';' : ',';
  const cells = splitCsvLine(clean, sep);
  if (!cells) return { ok: false, reason: 'bad_header', line: 1 };
  const names = cells.map((c) => c.value.trim().toLowerCase());
  for (const r of REQUIRED_COLUMNS) if (!names.includes(r)) return { ok: false, reason: `missing_column:${r}`, line: 1 };
  if (new Set(names).size !== names.length) return { ok: false, reason: 'duplicate_column', line: 1 };
  // A misspelt column would silently drop a field from every row: refuse the file instead.
  for (const n of names) {
    if (KNOWN.has(n)) continue;
    if (n.startsWith(RATING_PREFIX) && SURVEY_DIMENSION_PATTERN.test(n.slice(RATING_PREFIX.length))) continue;
    return { ok: false, reason: `unknown_column:${n.slice(0, 40)}`, line: 1 };
  }
  if (names.filter((n) => n.startsWith(RATING_PREFIX)).length > MAX_SURVEY_DIMENSIONS) return { ok: false, reason: 'too_many_dimensions', line: 1 };
  return { ok: true, value: { names, sep } };
}

/** One CSV data row under `header`. */
export function parseContactCsvRow(line: string, header: { names: readonly string[]; sep: string }, ctx: ContactContext): ContactParse {
  if (line.includes('\0')) return { ok: false, reason: 'nul_byte', line: ctx.line };
  const clean = line.endsWith('\r') ? line.slice(0, -1) : line;
  let values: string[];
  // Most rows quote nothing: a plain split is the same cells without the quote parser's objects.
  if (!clean.includes('"')) values = clean.split(header.sep);
  else {
    const cells = splitCsvLine(clean, header.sep);
    if (!cells) return { ok: false, reason: 'bad_quotes', line: ctx.line };
    values = cells.map((c) => c.value);
  }
  if (values.length !== header.names.length) return { ok: false, reason: 'wrong_column_count', line: ctx.line };
  const rec: Record<string, unknown> = {};
  for (let i = 0; i < values.length; i++) rec[header.names[i] as string] = values[i];
  return contactFromRecord(rec, ctx);
}

/**
 * A batch's wire text (ContactBatchHeader line + `rows`, each a JSON line ending in `\n`); the id is
 * deterministic: the source's fingerprint and the batch's first and last line.
 */
export function contactBatch(site: string, fingerprint: string, first: number, last: number, count: number, rows: string): { id: string; body: string } {
  const id = `contacts:${fingerprint}:${first}-${last}`;
  return { id, body: `${JSON.stringify({ batch_id: id, site, contacts: count })}\n${rows}` };
}

export function contactFingerprint(site: string, origin: string, head: string): string {
  return createHash('sha256').update(site).update('\0contacts\0').update(origin).update('\0').update(head).digest('hex').slice(0, 16);
}
