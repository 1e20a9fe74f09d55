// The normalized event contract that ingest publishes and the processor consumes.
// Types and constants only: consumers import this file and nothing else of @tablero/ingest.
// Field names are snake_case and equal the ClickHouse column names (no mapping layer).

/** JetStream stream holding every normalized PBX event batch and every dead letter. */
export const EVENTS_STREAM = 'TABLERO_PBX';
/** Subjects of the events stream: `pbx.events.<site>` for accepted events, `pbx.dead.<site>` for rejected lines. */
export const EVENTS_SUBJECT_PREFIX = 'pbx.events';
export const DEAD_LETTER_SUBJECT_PREFIX = 'pbx.dead';
export const EVENTS_STREAM_SUBJECTS = ['pbx.>'] as const;
/** Durable consumer name of the processor on the events stream. */
export const PROCESSOR_CONSUMER = 'processor';

/** Subject for one site's accepted events. Site ids are validated to be subject-safe tokens. */
export function eventsSubject(site: string): string {
  return `${EVENTS_SUBJECT_PREFIX}.${site}`;
}
export function deadLetterSubject(site: string): string {
  return `${DEAD_LETTER_SUBJECT_PREFIX}.${site}`;
}
/** A site id is one NATS subject token: letters, digits, `_` and `-`. */
export const SITE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const DEFAULT_SITE = 'default';

/** Stock queue_log verbs (upper case, matched exactly). Anything else is a custom event. */
export const STOCK_VERBS = [
  'ENTERQUEUE', 'CONNECT', 'COMPLETECALLER', 'COMPLETEAGENT', 'TRANSFER', 'BLINDTRANSFER',
  'ATTENDEDTRANSFER', 'ABANDON', 'EXITWITHTIMEOUT', 'EXITEMPTY', 'EXITWITHKEY', 'WITHDRAW',
  'RINGNOANSWER', 'RINGCANCELED', 'AGENTDUMP', 'SYSCOMPAT', 'OUTCALL',
  'ADDMEMBER', 'REMOVEMEMBER', 'PAUSE', 'UNPAUSE', 'PAUSEALL', 'UNPAUSEALL', 'PENALTY',
  'RINGINUSE', 'AGENTLOGIN', 'AGENTLOGOFF', 'AGENTCALLBACKLOGIN', 'AGENTCALLBACKLOGOFF',
  'QUEUESTART', 'CONFIGRELOAD',
] as const;
export type StockVerb = (typeof STOCK_VERBS)[number];

/** Custom verbs that kpi-definitions §2 treats as "refused" (the caller never queued). */
export const REFUSED_VERBS = ['FULL', 'JOINEMPTY', 'JOINUNAVAIL', 'CLOSED'] as const;

/**
 * One queue_log line, parsed and normalized. Durations are already in the unit their name
 * says (ring attempts are logged in milliseconds by Asterisk and stay in `ring_ms`).
 */
export interface QueueEvent {
  /**
   * Deterministic id: `<source fingerprint>:<byte offset of the line>`. Dedup key within a source;
   * a line that reaches us by two ways has two ids (kpi-definitions §11 "Same line").
   */
  event_id: string;
  site: string;
  /** Where the line came from (file path, `push:<token name>`, `import:<file>`). */
  source: string;
  /** Byte offset of the line's first byte in its source. */
  offset: number;
  /** Epoch seconds (UTC) as written by Asterisk. */
  ts: number;
  callid: string;
  queue: string;
  agent: string;
  /** The verb exactly as logged. */
  verb: string;
  /** True when `verb` is not a stock Asterisk verb (kept, never treated as a stock event). */
  custom: boolean;
  /** Seconds the caller waited (CONNECT data1, COMPLETE* data1, ABANDON data3, ...); null if not logged. */
  wait_s: number | null;
  /** Seconds of conversation (COMPLETE* data2, TRANSFER data4, ...); null if not logged. */
  talk_s: number | null;
  /** RINGNOANSWER / RINGCANCELED milliseconds; null otherwise. */
  ring_ms: number | null;
  /** Queue position at exit, when logged. */
  position: number | null;
  /** Queue position at entry, when logged. */
  orig_position: number | null;
  /** ENTERQUEUE caller id number ('' when unknown). */
  caller: string;
  /** PAUSE reason, EXITWITHKEY key, transfer target, AGENTLOGIN channel... ('' when none). */
  info: string;
  /** The raw data fields after the verb, as logged. */
  data: string[];
}

/** A rejected input line, published to the dead-letter subject and stored. */
export interface DeadLetter {
  event_id: string;
  site: string;
  source: string;
  offset: number;
  /** 1-based line number in the source when known, else 0. */
  line_no: number;
  /** Raw text, truncated to 8 KiB. */
  raw: string;
  /** Stable machine-readable reason, e.g. `too_few_columns`, `bad_epoch`, `bad_field:data1`. */
  reason: string;
  /** Epoch seconds when the line was rejected. */
  rejected_at: number;
}

/** The unit published on the bus: hundreds of events per JetStream message. */
export interface EventBatch {
  /** Deterministic: `<source fingerprint>:<first offset>-<last offset>`; the JetStream Nats-Msg-Id. */
  batch_id: string;
  site: string;
  events: QueueEvent[];
}

export interface DeadLetterBatch {
  batch_id: string;
  site: string;
  dead: DeadLetter[];
}

export const MAX_LINE_BYTES = 8192;
export const MAX_DEAD_LETTER_RAW_BYTES = 8192;

/** Limits of the events stream. `discard: new` + max bytes: a full stream pushes back, never deletes unconsumed data. */
export const EVENTS_STREAM_SPEC = {
  name: EVENTS_STREAM,
  subjects: [...EVENTS_STREAM_SUBJECTS],
  maxBytes: 8 * 1024 ** 3,
  /** A batch resent after a crash within this window is dropped by the server; later ones by the processor's dedup. */
  duplicateWindowMs: 2 * 60 * 60 * 1000,
};

// ---- CDR (added by the ingest engineer; additive) ----

/** Subjects of CDR record batches: `pbx.cdr.<site>` (same stream; rejected CDR lines go to `pbx.dead.<site>`). */
export const CDR_SUBJECT_PREFIX = 'pbx.cdr';
export function cdrSubject(site: string): string {
  return `${CDR_SUBJECT_PREFIX}.${site}`;
}

/** Which writer produced a CDR line: cdr_csv with N columns, or the cdr_custom legacy template. */
export type CdrLayout = 'csv16' | 'csv17' | 'csv18' | 'csv19' | 'csv20' | 'csv21' | 'custom18' | 'custom19' | 'mysql';

/**
 * One Asterisk CDR row (cdr_csv `Master.csv` or the cdr_custom legacy layout), normalized.
 * Columns a layout does not have are '' (strings) or null (numbers). Times are epoch seconds,
 * read in the source's configured zone (the file does not say whether it is local or GMT).
 */
export interface CdrRecord {
  /** `<source fingerprint>:<byte offset of the line>`. */
  event_id: string;
  site: string;
  source: string;
  offset: number;
  layout: CdrLayout;
  accountcode: string;
  src: string;
  dst: string;
  dcontext: string;
  clid: string;
  channel: string;
  dstchannel: string;
  lastapp: string;
  lastdata: string;
  start: number;
  /** null when the call was never answered (empty answer cell). */
  answer: number | null;
  end: number;
  /** Seconds; may have a fraction in the cdr_custom "high resolution" template. */
  duration: number;
  billsec: number;
  disposition: string;
  amaflags: string;
  uniqueid: string;
  userfield: string;
  peeraccount: string;
  linkedid: string;
  sequence: number | null;
  /** The dialled number where the PBX stores it (asteriskcdrdb `did`, FreePBX/Issabel); absent in Master.csv. */
  did?: string;
}

export interface CdrBatch {
  /** `<source fingerprint>:<first offset>-<last offset>`; the JetStream Nats-Msg-Id. */
  batch_id: string;
  site: string;
  records: CdrRecord[];
}

// ---- CRM tickets (PQRSD escalations, issue #7; additive) ----

/**
 * Second stream: facts from CRMs (tickets, later surveys), apart from the PBX stream so a busy
 * PBX never delays them and each has its own consumer. `crm.tickets.<site>` carries accepted
 * ticket events, `crm.dead.<site>` rejected rows (DeadLetter shape).
 */
export const CRM_STREAM = 'TABLERO_CRM';
export const CRM_STREAM_SUBJECTS = ['crm.>'] as const;
export const TICKETS_SUBJECT_PREFIX = 'crm.tickets';
export const CRM_DEAD_LETTER_SUBJECT_PREFIX = 'crm.dead';
/** Durable consumer of the processor's escalation service on the CRM stream. */
export const ESCALATIONS_CONSUMER = 'escalations';
export function ticketsSubject(site: string): string {
  return `${TICKETS_SUBJECT_PREFIX}.${site}`;
}
export function crmDeadLetterSubject(site: string): string {
  return `${CRM_DEAD_LETTER_SUBJECT_PREFIX}.${site}`;
}

export const CRM_STREAM_SPEC = {
  name: CRM_STREAM,
  subjects: [...CRM_STREAM_SUBJECTS],
  maxBytes: 1024 ** 3,
  duplicateWindowMs: 2 * 60 * 60 * 1000,
};

/** What happened to a ticket (kpi-definitions §8). */
export const TICKET_ACTIONS = ['opened', 'escalated', 'reassigned', 'answered', 'closed', 'reopened'] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];

/**
 * PQRSD ticket types (glossary): petición, queja, reclamo, sugerencia, denuncia, consulta, and
 * `informacion` for requests of information or documents (a shorter legal term, §8).
 */
export const TICKET_TYPES = ['peticion', 'queja', 'reclamo', 'sugerencia', 'denuncia', 'consulta', 'informacion'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];

/** One ticket event from a CRM (HTTP push or CSV import), normalized. */
export interface TicketEvent {
  /**
   * Deterministic: hash of (site, source, ticket_id, action, ts). The same event sent again by
   * the same source is the same row (idempotent by source, ticket, event and time).
   */
  event_id: string;
  site: string;
  /** The CRM source: `push:<token name>` or the import's `--source` (default `crm`). */
  source: string;
  /** Radicado / ticket number as the CRM writes it. */
  ticket_id: string;
  action: TicketAction;
  /** Epoch seconds (UTC) when it happened in the CRM. */
  ts: number;
  /** The ticket's type when this event states it ('' = unchanged / not given). */
  ticket_type: TicketType | '';
  /** Channel the request came in by (phone, email, web...), '' when not given. */
  channel: string;
  /** Responsible area for `escalated` / `reassigned` ('' otherwise). */
  area: string;
  /** The call the ticket came from: site and Asterisk callid (uniqueid), '' when none. */
  call_site: string;
  call_id: string;
  /** Free text from the CRM (truncated to 1000 characters). */
  note: string;
}

export interface TicketBatch {
  /** Deterministic: a hash of its event ids; the JetStream Nats-Msg-Id. */
  batch_id: string;
  site: string;
  events: TicketEvent[];
}

// ---- Post-call surveys (added by the quality engineer; additive) ----

/** JetStream stream of quality data (survey answers): `qa.>`, apart from the PBX events. */
export const QA_STREAM = 'TABLERO_QA';
/** Subjects of survey answer batches: `qa.survey.<site>`. */
export const SURVEY_SUBJECT_PREFIX = 'qa.survey';
export function surveySubject(site: string): string {
  return `${SURVEY_SUBJECT_PREFIX}.${site}`;
}
/** Durable consumer that stores survey answers. */
export const SURVEY_CONSUMER = 'quality-surveys';
export const QA_STREAM_SPEC = {
  name: QA_STREAM,
  subjects: ['qa.>'],
  maxBytes: 1024 ** 3,
  duplicateWindowMs: 2 * 60 * 60 * 1000,
};

/**
 * The custom queue_log verb of a survey answer, written by the survey IVR with QueueLog():
 * `<epoch>|<callid>|<queue>|<agent>|SURVEY|calidad=5|oportunidad=4|amabilidad=5`, or the
 * scores alone in the default dimension order (`SURVEY|5|4|5`). The parser keeps it as a
 * custom event; the processor's quality module reads it from the stored events.
 */
export const SURVEY_VERB = 'SURVEY';
export const DEFAULT_SURVEY_DIMENSIONS = ['calidad', 'oportunidad', 'amabilidad'] as const;
export const SURVEY_SCORE_MIN = 1;
export const SURVEY_SCORE_MAX = 5;
/**
 * Most dimensions one survey may answer (CSV columns or `SURVEY` fields): a row with 10,000
 * score columns is refused instead of making every survey read megabytes.
 */
export const MAX_SURVEY_DIMENSIONS = 20;
/** A dimension name: lower-case letters, digits and `_`. */
export const SURVEY_DIMENSION_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;

/** One answer to one survey dimension (one row of `survey_answers`). */
export interface SurveyAnswer {
  /** Deterministic: `<source fingerprint>:<line number>` or the queue_log event id. Dedup key with `dimension`. */
  survey_id: string;
  site: string;
  source: string;
  /** Epoch seconds of the answer. */
  ts: number;
  callid: string;
  /** '' when the survey did not say (filled from the answered call when read). */
  queue: string;
  agent: string;
  dimension: string;
  /** 1..5. */
  score: number;
}

export interface SurveyBatch {
  /** `<source fingerprint>:<first line>-<last line>`; the JetStream Nats-Msg-Id. */
  batch_id: string;
  site: string;
  answers: SurveyAnswer[];
}

// ---- Contacts of other channels (chat, video, email, web form, social; issue 17; additive) ----

/**
 * Third CRM-like stream: contacts handled outside the PBX. Its own stream (not `crm.>`) so the
 * escalation service's consumer, which reads every `crm.>` subject, never sees them.
 * `contacts.records.<site>` carries accepted contact records, `contacts.dead.<site>` rejected
 * rows (DeadLetter shape, stored in dead_letters and counted on the data quality page).
 */
export const CONTACTS_STREAM = 'TABLERO_CONTACTS';
export const CONTACTS_SUBJECT_PREFIX = 'contacts.records';
export const CONTACTS_DEAD_SUBJECT_PREFIX = 'contacts.dead';
/** Durable consumer that stores contact records. */
export const CONTACTS_CONSUMER = 'contacts-store';
export function contactsSubject(site: string): string {
  return `${CONTACTS_SUBJECT_PREFIX}.${site}`;
}
export function contactsDeadSubject(site: string): string {
  return `${CONTACTS_DEAD_SUBJECT_PREFIX}.${site}`;
}
export const CONTACTS_STREAM_SPEC = {
  name: CONTACTS_STREAM,
  subjects: ['contacts.>'],
  maxBytes: 4 * 1024 ** 3,
  duplicateWindowMs: 2 * 60 * 60 * 1000,
};

/** The channels a contact comes by (kpi-definitions §15). Calls stay in queue_log/CDR. */
export const CONTACT_CHANNELS = ['chat', 'video', 'email', 'webform', 'social'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];
/** How a contact ended; '' = still open. */
export const CONTACT_OUTCOMES = ['answered', 'abandoned', 'unanswered'] as const;
export type ContactOutcome = (typeof CONTACT_OUTCOMES)[number];

/** One contact's latest known state (HTTP push or CSV import), normalized. */
export interface ContactRecord {
  site: string;
  /** `push:<token name>` or `import:<--source>` (default `import:crm`). */
  source: string;
  /** The channel system's own id; with the site it identifies the contact. */
  contact_id: string;
  channel: ContactChannel;
  /** Queue or team ('' when not given). */
  queue: string;
  /** Epoch seconds (UTC). */
  arrived: number;
  /** First response by an agent; 0 = none (yet). */
  first_response: number;
  /** 0 = not ended (yet). */
  ended: number;
  agent: string;
  outcome: ContactOutcome | '';
  /** Link to a call (Asterisk uniqueid/linkedid) and/or a PQRSD ticket, '' when none. */
  call_id: string;
  ticket_id: string;
  /** Ratings 1..5 per survey dimension (the call surveys' dimensions), parallel arrays. */
  rating_dims: string[];
  rating_scores: number[];
  /**
   * Deterministic order of a contact's states: stage (0 open, 1 responded, 2 ended) then the
   * latest of its times. The stored row with the highest version wins (ReplacingMergeTree), so a
   * state re-sent or delivered late never replaces a later one (idempotent and ordered).
   */
  version: number;
}

/**
 * A batch on the wire is this header as one JSON line, then `contacts` rows, one JSON array per
 * line holding a ContactRecord's values in CONTACT_COLUMNS order (ClickHouse's JSONCompactEachRow:
 * the names are the `contacts` columns), so the store writes the rows as they came without
 * parsing them again. Arrays instead of objects: a third less to write and for ClickHouse to read
 * (docs/benchmarks.md, contacts).
 */
export const CONTACT_COLUMNS = [
  'site', 'source', 'contact_id', 'channel', 'queue', 'arrived', 'first_response', 'ended', 'agent', 'outcome',
  'call_id', 'ticket_id', 'rating_dims', 'rating_scores', 'version',
] as const satisfies ReadonlyArray<keyof ContactRecord>;
export interface ContactBatchHeader {
  /** Deterministic (source fingerprint + rows); the JetStream Nats-Msg-Id. */
  batch_id: string;
  site: string;
  contacts: number;
}

// ---- Partitions (issue 19: processors partitioned by site) ----
// With TABLERO_PARTITIONS=P (> 0), every site belongs to one of P partitions (a hash of its id):
// what would go to `pbx.<kind>.<site>` goes to `pbxp.<k>.<kind>.<site>`, held by the partition's
// own stream `TABLERO_PBX_P<k>` (a stream per partition keeps stream sequences contiguous, which
// the processor's in-order delivery relies on). A processor owns a partition through a lease and
// consumes its stream with the durable PROCESSOR_CONSUMER. P is fixed for a deployment: every
// ingest, dashboard and processor must be given the same value.

/** Most partitions a deployment may have. */
export const MAX_PARTITIONS = 256;
export const PARTITION_SUBJECT_ROOT = 'pbxp';
/** Events subject root the partitioned subjects stand for (`pbx`). */
const EVENTS_SUBJECT_ROOT = 'pbx';

/** The partition of a site: FNV-1a (32 bit) of its id, modulo the partition count. Stable forever. */
export function partitionOf(site: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < site.length; i++) {
    h ^= site.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % partitions;
}

export function partitionStream(partition: number): string {
  return `${EVENTS_STREAM}_P${partition}`;
}

/** The events stream of one partition: EVENTS_STREAM_SPEC's limits, its bytes shared among the partitions. */
export function partitionStreamSpec(partition: number, partitions: number): { name: string; subjects: string[]; maxBytes: number; duplicateWindowMs: number } {
  return {
    ...EVENTS_STREAM_SPEC,
    name: partitionStream(partition),
    subjects: [`${PARTITION_SUBJECT_ROOT}.${partition}.>`],
    maxBytes: Math.floor(EVENTS_STREAM_SPEC.maxBytes / partitions),
  };
}

/**
 * `pbx.<kind>.<site>` -> `pbxp.<k>.<kind>.<site>` (the site is the last token); null for a subject
 * outside the events stream.
 */
export function partitionedSubject(subject: string, partitions: number): string | null {
  if (!subject.startsWith(`${EVENTS_SUBJECT_ROOT}.`)) return null;
  const site = subject.slice(subject.lastIndexOf('.') + 1);
  return `${PARTITION_SUBJECT_ROOT}.${partitionOf(site, partitions)}.${subject.slice(EVENTS_SUBJECT_ROOT.length + 1)}`;
}

/** `pbxp.<k>.<kind>.<site>` -> `pbx.<kind>.<site>`: what the processor reads as if unpartitioned. */
export function unpartitionedSubject(subject: string): string {
  if (!subject.startsWith(`${PARTITION_SUBJECT_ROOT}.`)) return subject;
  const rest = subject.indexOf('.', PARTITION_SUBJECT_ROOT.length + 1);
  return rest < 0 ? subject : `${EVENTS_SUBJECT_ROOT}${subject.slice(rest)}`;
}
