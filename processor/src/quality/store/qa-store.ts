// ClickHouse reads and writes of the quality module: forms, evaluations, samples, calibration
// sessions, survey answers, teams and settings, plus the answered calls they refer to (stints).
// Versioned rows are inserted, never updated; readers take the newest version. Stored JSON is
// checked again on read, like any input. DateTime64(3) columns take JSON integers as ms.
import type { SurveyAnswer } from '@tablero/ingest/contract';
import { SURVEY_VERB } from '@tablero/ingest/contract';
import { TABLES, type ClickHouse } from '@tablero/sql';
import {
  CRITICAL_CATEGORIES,
  type CalibrationSession,
  type CriticalCategory,
  type EvaluationKind,
  type QaAnswers,
  type QaEvaluation,
  type QaForm,
  type QaSample,
  type QaTeamMember,
} from '../contract.ts';
import { checkFormSpec } from '../core/form.ts';
import type { SampleCandidate } from '../core/sampling.ts';
import type { SurveyEventRow } from '../core/surveys.ts';

export class QaStoreError extends Error {
  override name = 'QaStoreError';
}

const READ = { output_format_json_quote_64bit_integers: 0 } as const;
type Row = Record<string, unknown>;

async function rows(ch: ClickHouse, what: string, query: string, params: Record<string, unknown> = {}): Promise<Row[]> {
  try {
    const rs = await ch.client.query({ query, query_params: params, format: 'JSONEachRow', clickhouse_settings: READ });
    return await rs.json<Row>();
  } catch (err) {
    throw new QaStoreError(`reading ${what} failed`, { cause: err });
  }
}

async function insert(ch: ClickHouse, what: string, table: string, values: Row[], token?: string): Promise<void> {
  if (values.length === 0) return;
  try {
    await ch.client.insert({
      table,
      values,
      format: 'JSONEachRow',
      ...(token === undefined ? {} : { clickhouse_settings: { insert_deduplication_token: token } }),
    });
  } catch (err) {
    throw new QaStoreError(`storing ${what} failed`, { cause: err });
  }
}

const str = (v: unknown): string => (typeof v === 'string' ? v : String(v ?? ''));
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

// ---- Forms ----

function toForm(r: Row): QaForm {
  const checked = checkFormSpec(JSON.parse(str(r['spec'])) as unknown);
  if (!checked.ok) throw new QaStoreError(`stored form ${str(r['form_id'])} v${str(r['version'])} is invalid: ${checked.reason}`);
  return { ...checked.value, form_id: str(r['form_id']), version: num(r['version']), created_by: str(r['created_by']), created_at_ms: num(r['created_at_ms']) };
}

const FORM_COLS = `form_id, version, spec, created_by, toUnixTimestamp64Milli(created_at) AS created_at_ms`;

export async function insertForm(ch: ClickHouse, f: QaForm): Promise<void> {
  const { form_id, version, created_by, created_at_ms, ...spec } = f;
  await insert(ch, 'a form', TABLES.qaForms, [{ form_id, version, name: spec.name, spec: JSON.stringify(spec), created_by, created_at: created_at_ms }]);
}

export async function formVersions(ch: ClickHouse, formId: string): Promise<QaForm[]> {
  const r = await rows(ch, 'form versions', `SELECT ${FORM_COLS} FROM ${TABLES.qaForms} FINAL WHERE form_id = {id:String} ORDER BY version`, { id: formId });
  return r.map(toForm);
}

export async function getForm(ch: ClickHouse, formId: string, version: number | null): Promise<QaForm | null> {
  const r = await rows(
    ch,
    'a form',
    `SELECT ${FORM_COLS} FROM ${TABLES.qaForms} FINAL WHERE form_id = {id:String} ${version === null ? '' : 'AND version = {v:UInt32}'} ORDER BY version DESC LIMIT 1`,
    { id: formId, v: version ?? 0 },
  );
  return r[0] ? toForm(r[0]) : null;
}

/** The newest version of every form. */
export async function latestForms(ch: ClickHouse): Promise<QaForm[]> {
  const r = await rows(ch, 'forms', `SELECT ${FORM_COLS} FROM ${TABLES.qaForms} FINAL ORDER BY form_id, version DESC LIMIT 1 BY form_id`);
  return r.map(toForm).sort((a, b) => a.name.localeCompare(b.name) || a.form_id.localeCompare(b.form_id));
}

// ---- Evaluations ----

const EVAL_COLS = `evaluation_id, version, kind, session_id, form_id, form_version, site, callid, queue, agent,
  toUnixTimestamp(call_ts) AS call_ts_s, analyst, answers, comment, score, raw_score, band, failed_critical, zeroed,
  applicable_items, toUnixTimestamp64Milli(created_at) AS created_at_ms`;

function toEvaluation(r: Row): QaEvaluation {
  const failed = (Array.isArray(r['failed_critical']) ? (r['failed_critical'] as unknown[]) : []).map(str);
  return {
    evaluation_id: str(r['evaluation_id']),
    version: num(r['version']),
    kind: str(r['kind']) as EvaluationKind,
    session_id: str(r['session_id']),
    form_id: str(r['form_id']),
    form_version: num(r['form_version']),
    site: str(r['site']),
    callid: str(r['callid']),
    queue: str(r['queue']),
    agent: str(r['agent']),
    call_ts: num(r['call_ts_s']),
    analyst: str(r['analyst']),
    answers: JSON.parse(str(r['answers'])) as QaAnswers,
    comment: str(r['comment']),
    score: numOrNull(r['score']),
    raw_score: numOrNull(r['raw_score']),
    band: str(r['band']) === '' ? null : str(r['band']),
    failed_critical: CRITICAL_CATEGORIES.filter((c) => failed.includes(c)) as CriticalCategory[],
    zeroed: Boolean(r['zeroed']),
    applicable_items: num(r['applicable_items']),
    created_at_ms: num(r['created_at_ms']),
  };
}

export async function insertEvaluation(ch: ClickHouse, e: QaEvaluation): Promise<void> {
  await insert(
    ch,
    'an evaluation',
    TABLES.qaEvaluations,
    [
      {
        ...e,
        call_ts: e.call_ts,
        answers: JSON.stringify(e.answers),
        band: e.band ?? '',
        created_at: e.created_at_ms,
        created_at_ms: undefined,
      },
    ],
    // A retried request stores the same version once.
    `qa_eval:${e.evaluation_id}:${e.version}`,
  );
}

export async function evaluationVersions(ch: ClickHouse, evaluationId: string): Promise<QaEvaluation[]> {
  const r = await rows(ch, 'evaluation versions', `SELECT ${EVAL_COLS} FROM ${TABLES.qaEvaluations} FINAL WHERE evaluation_id = {id:String} ORDER BY version`, { id: evaluationId });
  return r.map(toEvaluation);
}

/** Newest versions of the evaluations matching the filter, oldest call first. */
export async function latestEvaluations(
  ch: ClickHouse,
  f: { from_s?: number; to_s?: number; kind?: EvaluationKind; agent?: string; session_id?: string; analyst?: string },
): Promise<QaEvaluation[]> {
  const where: string[] = [];
  if (f.from_s !== undefined) where.push('call_ts_s >= {from_s:Int64}');
  if (f.to_s !== undefined) where.push('call_ts_s < {to_s:Int64}');
  if (f.kind !== undefined) where.push('kind = {kind:String}');
  if (f.agent !== undefined) where.push('agent = {agent:String}');
  if (f.session_id !== undefined) where.push('session_id = {session_id:String}');
  if (f.analyst !== undefined) where.push('analyst = {analyst:String}');
  const r = await rows(
    ch,
    'evaluations',
    `SELECT * FROM (SELECT ${EVAL_COLS} FROM ${TABLES.qaEvaluations} FINAL ORDER BY evaluation_id, version DESC LIMIT 1 BY evaluation_id)
     ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY call_ts_s, evaluation_id`,
    { from_s: f.from_s ?? 0, to_s: f.to_s ?? 0, kind: f.kind ?? '', agent: f.agent ?? '', session_id: f.session_id ?? '', analyst: f.analyst ?? '' },
  );
  return r.map(toEvaluation);
}

// ---- Calls (answered stints) ----

export interface CallRow {
  site: string;
  callid: string;
  queue: string;
  agent: string;
  enter_ts: number;
  end_ts: number;
  wait_s: number | null;
  talk_s: number | null;
  caller: string;
  transferred: boolean;
}

const CALL_COLS = `site, callid, queue, agent, toUnixTimestamp(enter_ts) AS enter_s, toUnixTimestamp(end_ts) AS end_s, wait_s, talk_s, caller, transferred`;

function toCall(r: Row): CallRow {
  return {
    site: str(r['site']),
    callid: str(r['callid']),
    queue: str(r['queue']),
    agent: str(r['agent']),
    enter_ts: num(r['enter_s']),
    end_ts: num(r['end_s']),
    wait_s: numOrNull(r['wait_s']),
    talk_s: numOrNull(r['talk_s']),
    caller: str(r['caller']),
    transferred: Boolean(r['transferred']),
  };
}

/** Answered stints with an agent in [from, to), by the time the caller entered the queue. */
export async function answeredCalls(ch: ClickHouse, q: { from_s: number; to_s: number; agent?: string; queue?: string; limit?: number }): Promise<CallRow[]> {
  const where = [`outcome = 'answered'`, `agent != ''`, 'enter_ts >= toDateTime({from_s:Int64})', 'enter_ts < toDateTime({to_s:Int64})'];
  if (q.agent !== undefined) where.push('agent = {agent:String}');
  if (q.queue !== undefined) where.push('queue = {queue:String}');
  const r = await rows(
    ch,
    'answered calls',
    `SELECT ${CALL_COLS} FROM ${TABLES.stints} FINAL WHERE ${where.join(' AND ')} ORDER BY enter_ts DESC, callid ${q.limit === undefined ? '' : 'LIMIT {limit:UInt32}'}`,
    { from_s: q.from_s, to_s: q.to_s, agent: q.agent ?? '', queue: q.queue ?? '', limit: q.limit ?? 0 },
  );
  return r.map(toCall);
}

export function toCandidate(c: CallRow): SampleCandidate {
  return { site: c.site, callid: c.callid, queue: c.queue, agent: c.agent, enter_ts: c.enter_ts, transferred: c.transferred };
}

/** The answered stint of a call (the last one when it was answered in several queues). */
export async function answeredCall(ch: ClickHouse, callid: string, site: string | null): Promise<CallRow | null> {
  const r = await rows(
    ch,
    'a call',
    `SELECT ${CALL_COLS} FROM ${TABLES.stints} FINAL WHERE callid = {callid:String} AND outcome = 'answered' ${site === null ? '' : 'AND site = {site:String}'}
     ORDER BY end_ts DESC LIMIT 1`,
    { callid, site: site ?? '' },
  );
  return r[0] ? toCall(r[0]) : null;
}

// ---- Samples ----

export async function insertSample(ch: ClickHouse, s: QaSample, targets: Record<string, number>): Promise<void> {
  await insert(ch, 'a sample', TABLES.qaSamples, [
    {
      month: s.month,
      version: s.version,
      seed: s.seed,
      target_per_agent: s.target_per_agent,
      targets: JSON.stringify(targets),
      calls: JSON.stringify(s.calls),
      agents: JSON.stringify(s.agents.map(({ done: _done, ...a }) => a)),
      created_by: s.created_by,
      created_at: s.created_at_ms,
    },
  ]);
}

/** The newest draw of a month, with `done` left at 0 (the caller counts evaluations). */
export async function latestSample(ch: ClickHouse, month: string): Promise<QaSample | null> {
  const r = await rows(
    ch,
    'a sample',
    `SELECT month, version, seed, target_per_agent, calls, agents, created_by, toUnixTimestamp64Milli(created_at) AS created_at_ms
     FROM ${TABLES.qaSamples} FINAL WHERE month = {month:String} ORDER BY version DESC LIMIT 1`,
    { month },
  );
  const x = r[0];
  if (!x) return null;
  const agents = JSON.parse(str(x['agents'])) as Array<Omit<QaSample['agents'][number], 'done'>>;
  return {
    month: str(x['month']),
    version: num(x['version']),
    seed: num(x['seed']),
    target_per_agent: num(x['target_per_agent']),
    created_by: str(x['created_by']),
    created_at_ms: num(x['created_at_ms']),
    calls: JSON.parse(str(x['calls'])) as QaSample['calls'],
    agents: agents.map((a) => ({ ...a, done: 0 })),
  };
}

// ---- Calibration sessions ----

const SESSION_COLS = `session_id, title, site, callid, queue, agent, toUnixTimestamp(call_ts) AS call_ts_s, form_id, form_version, analysts,
  reference_kind, reference_analyst, toUnixTimestamp64Milli(deadline) AS deadline_ms, tolerance, created_by, toUnixTimestamp64Milli(created_at) AS created_at_ms`;

function toSession(r: Row): CalibrationSession {
  return {
    session_id: str(r['session_id']),
    title: str(r['title']),
    site: str(r['site']),
    callid: str(r['callid']),
    queue: str(r['queue']),
    agent: str(r['agent']),
    call_ts: num(r['call_ts_s']),
    form_id: str(r['form_id']),
    form_version: num(r['form_version']),
    analysts: (r['analysts'] as unknown[]).map(str),
    reference: str(r['reference_kind']) === 'analyst' ? { kind: 'analyst', analyst: str(r['reference_analyst']) } : { kind: 'consensus' },
    deadline_ms: num(r['deadline_ms']),
    tolerance: num(r['tolerance']),
    created_by: str(r['created_by']),
    created_at_ms: num(r['created_at_ms']),
  };
}

export async function insertSession(ch: ClickHouse, s: CalibrationSession): Promise<void> {
  await insert(ch, 'a calibration session', TABLES.qaCalibrationSessions, [
    {
      session_id: s.session_id,
      title: s.title,
      site: s.site,
      callid: s.callid,
      queue: s.queue,
      agent: s.agent,
      call_ts: s.call_ts,
      form_id: s.form_id,
      form_version: s.form_version,
      analysts: s.analysts,
      reference_kind: s.reference.kind,
      reference_analyst: s.reference.kind === 'analyst' ? s.reference.analyst : '',
      deadline: s.deadline_ms,
      tolerance: s.tolerance,
      created_by: s.created_by,
      created_at: s.created_at_ms,
    },
  ]);
}

export async function getSession(ch: ClickHouse, sessionId: string): Promise<CalibrationSession | null> {
  const r = await rows(ch, 'a calibration session', `SELECT ${SESSION_COLS} FROM ${TABLES.qaCalibrationSessions} FINAL WHERE session_id = {id:String}`, { id: sessionId });
  return r[0] ? toSession(r[0]) : null;
}

export async function listSessions(ch: ClickHouse, range?: { from_ms: number; to_ms: number }): Promise<CalibrationSession[]> {
  const r = await rows(
    ch,
    'calibration sessions',
    `SELECT ${SESSION_COLS} FROM ${TABLES.qaCalibrationSessions} FINAL
     ${range ? 'WHERE deadline >= fromUnixTimestamp64Milli({from_ms:Int64}) AND deadline < fromUnixTimestamp64Milli({to_ms:Int64})' : ''}
     ORDER BY deadline DESC, session_id`,
    { from_ms: range?.from_ms ?? 0, to_ms: range?.to_ms ?? 0 },
  );
  return r.map(toSession);
}

// ---- Survey answers ----

export async function insertSurveyAnswers(ch: ClickHouse, answers: readonly SurveyAnswer[], token: string): Promise<void> {
  await insert(ch, 'survey answers', TABLES.surveyAnswers, answers.map((a) => ({ ...a })), token);
}

export async function surveyAnswers(ch: ClickHouse, range: { from_s: number; to_s: number }): Promise<SurveyAnswer[]> {
  const r = await rows(
    ch,
    'survey answers',
    `SELECT survey_id, site, source, toUnixTimestamp(ts) AS ts_s, callid, queue, agent, dimension, score
     FROM ${TABLES.surveyAnswers} FINAL WHERE ts >= toDateTime({from_s:Int64}) AND ts < toDateTime({to_s:Int64})`,
    range,
  );
  return r.map((x) => ({
    survey_id: str(x['survey_id']),
    site: str(x['site']),
    source: str(x['source']),
    ts: num(x['ts_s']),
    callid: str(x['callid']),
    queue: str(x['queue']),
    agent: str(x['agent']),
    dimension: str(x['dimension']),
    score: num(x['score']),
  }));
}

/** SURVEY custom events from queue_log (kept in queue_events by the processor). */
export async function surveyEvents(ch: ClickHouse, range: { from_s: number; to_s: number }): Promise<SurveyEventRow[]> {
  const r = await rows(
    ch,
    'survey events',
    `SELECT event_id, site, source, toUnixTimestamp(ts) AS ts_s, callid, queue, agent, verb, data
     FROM ${TABLES.queueEvents} FINAL
     WHERE custom AND verb = {verb:String} AND ts >= toDateTime({from_s:Int64}) AND ts < toDateTime({to_s:Int64})`,
    { ...range, verb: SURVEY_VERB },
  );
  return r.map((x) => ({
    event_id: str(x['event_id']),
    site: str(x['site']),
    source: str(x['source']),
    ts: num(x['ts_s']),
    callid: str(x['callid']),
    queue: str(x['queue']),
    agent: str(x['agent']),
    verb: str(x['verb']),
    data: (x['data'] as unknown[]).map(str),
  }));
}

// ---- Teams and settings ----

export async function saveTeamMembers(ch: ClickHouse, members: readonly QaTeamMember[], removed: readonly string[], nowMs: number): Promise<void> {
  await insert(ch, 'team members', TABLES.qaTeamMembers, [
    ...members.map((m) => ({ ...m, removed: false, updated_at: nowMs })),
    ...removed.map((agent) => ({ agent, team: '', supervisor: '', removed: true, updated_at: nowMs })),
  ]);
}

export async function teamMembers(ch: ClickHouse): Promise<QaTeamMember[]> {
  const r = await rows(ch, 'team members', `SELECT agent, team, supervisor FROM ${TABLES.qaTeamMembers} FINAL WHERE NOT removed ORDER BY team, agent`);
  return r.map((x) => ({ agent: str(x['agent']), team: str(x['team']), supervisor: str(x['supervisor']) }));
}

export async function readSettings(ch: ClickHouse): Promise<Record<string, string>> {
  const r = await rows(ch, 'quality settings', `SELECT key, value FROM ${TABLES.qaSettings} FINAL`);
  return Object.fromEntries(r.map((x) => [str(x['key']), str(x['value'])]));
}

export async function writeSettings(ch: ClickHouse, values: Record<string, string>, by: string, nowMs: number): Promise<void> {
  await insert(ch, 'quality settings', TABLES.qaSettings, Object.entries(values).map(([key, value]) => ({ key, value, updated_by: by, updated_at: nowMs })));
}
