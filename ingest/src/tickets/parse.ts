// Ticket events from a CRM (JSON records or CSV rows) -> the normalized TicketEvent. Pure: no
// clock, no I/O; parsers answer `{ ok: true, value } | { ok: false, reason, line }`.
//
// CSV (`tablero import --kind tickets`): UTF-8, one row per line (no line breaks inside cells),
// comma separated, RFC 4180 quotes; the first line is a header naming the columns, in any order:
//   ticket_id,event,time,type,channel,area,call_site,call_id,note
// ticket_id, event and time are required columns; the others may be absent or empty.
//   event: opened | escalated | reassigned | answered | closed | reopened
//   time:  ISO 8601 with a zone (`2026-03-02T10:15:00-05:00`, `...Z`), epoch seconds, or a local
//          `YYYY-MM-DD HH:MM[:SS]` read in the site's time zone (`--tz`, default the site's)
//   type:  peticion | queja | reclamo | sugerencia | denuncia | consulta | informacion
//          (case and accents ignored: `Petición` is `peticion`)
//   area:  the responsible area; required for escalated and reassigned
//   call_site, call_id: the call the ticket came from (call_site defaults to the ticket's site)
import { createHash } from 'node:crypto';
import { SITE_ID_PATTERN, TICKET_ACTIONS, TICKET_TYPES, type TicketAction, type TicketBatch, type TicketEvent, type TicketType } from '../contract.ts';
import { splitCsvLine } from '../core/csv-line.ts';
import { localDateTimeToEpoch } from '../core/time.ts';

export type TicketParse = { ok: true; value: TicketEvent } | { ok: false; reason: string; line: number };

export interface TicketContext {
  site: string;
  source: string;
  /** Zone of local `YYYY-MM-DD HH:MM` times (ISO times with a zone and epochs need none). */
  tz: string;
  /** 1-based line (CSV) or record index (JSON) for rejection reports. */
  line: number;
}

export const TICKET_CSV_COLUMNS = ['ticket_id', 'event', 'time', 'type', 'channel', 'area', 'call_site', 'call_id', 'note'] as const;
const REQUIRED_COLUMNS = ['ticket_id', 'event', 'time'] as const;
const MAX_ID = 100;
const MAX_TEXT = 200;
const MAX_NOTE = 1000;
// Sanity window for event times: 2000-01-01 .. 2100-01-01 UTC.
const MIN_TS = 946_684_800;
const MAX_TS = 4_102_444_800;

/** Deterministic id: the same (site, source, ticket, action, time) is always the same event. */
export function ticketEventId(site: string, source: string, ticketId: string, action: TicketAction, ts: number): string {
  return createHash('sha256').update(`${site}\0${source}\0${ticketId}\0${action}\0${ts}`).digest('hex').slice(0, 24);
}

/** `Petición` -> `peticion`; null when not a known type. '' stays '' (type not given). */
export function normalizeTicketType(text: string): TicketType | '' | null {
  const t = text.trim().toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  if (t === '') return '';
  return (TICKET_TYPES as readonly string[]).includes(t) ? (t as TicketType) : null;
}

const ISO_WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** Event time -> epoch seconds, or null. Fractions of a second are dropped. */
export function parseTicketTime(value: unknown, tz: string): number | null {
  let ts: number | null = null;
  if (typeof value === 'number') {
    ts = Number.isInteger(value) ? value : null;
  } else if (typeof value === 'string') {
    const s = value.trim();
    if (/^\d{9,10}$/.test(s)) ts = Number(s);
    else if (ISO_WITH_ZONE.test(s)) {
      const m = ISO_WITH_ZONE.exec(s) as RegExpExecArray;
      const ms = Date.parse(s);
      // Date.parse rolls 2026-02-30 over to March: check the calendar date it read back.
      const probe = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
      if (Number.isFinite(ms) && probe.getUTCDate() === Number(m[3]) && Number(m[4]) < 24) ts = Math.floor(ms / 1000);
    } else {
      const m = LOCAL.exec(s);
      if (m) ts = localDateTimeToEpoch(`${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6] ?? '00'}`, tz);
    }
  }
  if (ts === null || ts < MIN_TS || ts >= MAX_TS) return null;
  return ts;
}

function text(value: unknown): string | null {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  return value.trim();
}

// Control characters would corrupt CSV exports and logs downstream.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** One record (a JSON object, or a CSV row keyed by its header) -> a ticket event. */
export function ticketFromRecord(rec: Record<string, unknown>, ctx: TicketContext): TicketParse {
  const bad = (reason: string): TicketParse => ({ ok: false, reason, line: ctx.line });
  const ticketId = text(rec['ticket_id']);
  if (ticketId === null || ticketId === '') return bad('missing_field:ticket_id');
  if (ticketId.length > MAX_ID || CONTROL.test(ticketId)) return bad('bad_field:ticket_id');
  const action = text(rec['event']);
  if (action === null || action === '') return bad('missing_field:event');
  if (!(TICKET_ACTIONS as readonly string[]).includes(action.toLowerCase())) return bad('bad_field:event');
  const act = action.toLowerCase() as TicketAction;
  if (rec['time'] === undefined || rec['time'] === null || rec['time'] === '') return bad('missing_field:time');
  const ts = parseTicketTime(rec['time'], ctx.tz);
  if (ts === null) return bad('bad_field:time');
  const typeText = text(rec['type']);
  const ticketType = typeText === null ? null : normalizeTicketType(typeText);
  if (ticketType === null) return bad('bad_field:type');
  if (act === 'opened' && ticketType === '') return bad('missing_field:type');
  const fields: Record<'channel' | 'area' | 'call_site' | 'call_id', string> = { channel: '', area: '', call_site: '', call_id: '' };
  for (const k of ['channel', 'area', 'call_site', 'call_id'] as const) {
    const v = text(rec[k]);
    if (v === null || v.length > MAX_TEXT || CONTROL.test(v)) return bad(`bad_field:${k}`);
    fields[k] = v;
  }
  if ((act === 'escalated' || act === 'reassigned') && fields.area === '') return bad('missing_field:area');
  if (fields.call_id !== '' && fields.call_site === '') fields.call_site = ctx.site;
  if (fields.call_site !== '' && (fields.call_id === '' || !SITE_ID_PATTERN.test(fields.call_site))) return bad('bad_field:call_site');
  const note = text(rec['note']);
  // A note may hold line breaks and tabs, but never a NUL (it would end C strings downstream).
  if (note === null || note.includes('\0')) return bad('bad_field:note');
  return {
    ok: true,
    value: {
      event_id: ticketEventId(ctx.site, ctx.source, ticketId, act, ts),
      site: ctx.site,
      source: ctx.source,
      ticket_id: ticketId,
      action: act,
      ts,
      ticket_type: ticketType,
      channel: fields.channel,
      area: fields.area,
      call_site: fields.call_site,
      call_id: fields.call_id,
      note: note.slice(0, MAX_NOTE),
    },
  };
}

export type HeaderParse = { ok: true; value: string[] } | { ok: false; reason: string; line: number };

/** The CSV header: column names (trimmed, lower case); every required column must be there. */
export function parseTicketCsvHeader(line: string): HeaderParse {
  const cells = splitCsvLine(line.replace(/^\uFEFF/, '').replace(/\r$/, ''));
  if (!cells) return { ok: false, reason: 'bad_header', line: 1 };
  const names = cells.map((c) => c.value.trim().toLowerCase());
  for (const r of REQUIRED_COLUMNS) if (!names.includes(r)) return { ok: false, reason: `missing_column:${r}`, line: 1 };
  if (new Set(names).size !== names.length) return { ok: false, reason: 'duplicate_column', line: 1 };
  return { ok: true, value: names };
}

/** One CSV data row under `header`. Extra columns the header names are ignored. */
export function parseTicketCsvRow(line: string, header: readonly string[], ctx: TicketContext): TicketParse {
  const cells = splitCsvLine(line.replace(/\r$/, ''));
  if (!cells) return { ok: false, reason: 'bad_quotes', line: ctx.line };
  if (cells.length !== header.length) return { ok: false, reason: 'wrong_column_count', line: ctx.line };
  const rec: Record<string, unknown> = {};
  header.forEach((name, i) => (rec[name] = cells[i]?.value ?? ''));
  return ticketFromRecord(rec, ctx);
}

/** Cuts events into batches with deterministic ids, so a resent file gives the same Nats-Msg-Ids. */
export function ticketBatches(site: string, events: readonly TicketEvent[], size = 500): TicketBatch[] {
  const out: TicketBatch[] = [];
  for (let i = 0; i < events.length; i += size) {
    const chunk = events.slice(i, i + size);
    const h = createHash('sha256');
    for (const e of chunk) h.update(e.event_id).update('\0');
    out.push({ batch_id: `tickets:${h.digest('hex').slice(0, 32)}`, site, events: chunk });
  }
  return out;
}
