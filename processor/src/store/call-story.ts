// A call's whole story (issue 20; GET /api/calls/:site/:callid): every stored queue_log line of
// the call in order, its stints classified by the one read module (calls-query.ts, so each
// stint's figures are the KPI rows'), its survey answers, the tickets that name it, its QA
// evaluations and calibration sessions, the recording link, the rejected lines that carry its
// callid field and its stored CDR legs (grouped by the funnel's one rule, CDR_CALL_KEY_SQL).
// Caller numbers come in full; the dashboard masks them per role.
import { TABLES, type ClickHouse } from '@tablero/sql';
import type { CallStory, CallStoryCdrLeg, CallStoryEvent, CallStoryRejection } from '../contract.ts';
import { CDR_CALL_KEY_SQL, FUNNEL_MARGIN_S } from '../core/funnel.ts';
import { queryEscalationsByCall } from '../escalations/queries.ts';
import { recordingUrl } from '../quality/core/calls.ts';
import { DEFAULT_QA_SETTINGS } from '../quality/service/context.ts';
import { readSettings } from '../quality/store/qa-store.ts';
import { queryCalls } from './calls-query.ts';
import { rows, type KpiReadOptions } from './kpi-query.ts';

const iso = (s: unknown): string => new Date(Number(s) * 1000).toISOString().replace('.000Z', 'Z');
const isoMs = (ms: unknown): string => new Date(Number(ms)).toISOString();
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The most stints one call can list in its story (a call re-queued more often is cut there). */
const MAX_STORY_STINTS = 1000;

/** The largest second a DateTime holds: the legs' upper bound when the call's time is unknown. */
const MAX_DATETIME_S = 4_294_967_295;

/**
 * The call's CDR legs, by start, then sequence: the rows whose call key (CDR_CALL_KEY_SQL, the
 * funnel's grouping) is that of a row whose uniqueid is the callid (a stint joins its call the
 * same way). Read within FUNNEL_MARGIN_S of the call's queue_log lines and stints when it has any
 * (the funnel's assumption that a call lasts less), so the read stays on a few partitions.
 */
async function queryCdrLegs(ch: ClickHouse, site: string, callid: string, knownTimes: number[]): Promise<CallStoryCdrLeg[]> {
  // Nothing else stored for the call: an Asterisk uniqueid is `[system-]<epoch>.<n>`, and its
  // epoch is when the channel was made, so the read stays near it instead of the whole table.
  const epoch = /(?:^|-)(\d{9,10})\.\d+$/.exec(callid)?.[1];
  const known = knownTimes.length > 0 ? knownTimes : epoch !== undefined ? [Number(epoch)] : [];
  const lo_s = known.length ? Math.max(0, Math.min(...known) - FUNNEL_MARGIN_S) : 0;
  const hi_s = known.length ? Math.max(...known) + FUNNEL_MARGIN_S : MAX_DATETIME_S;
  const inRange = `site = {site:String} AND start >= toDateTime({lo_s:Int64}, 'UTC') AND start < toDateTime({hi_s:Int64}, 'UTC')`;
  return (await rows<Record<string, unknown>>(ch, `SELECT toUnixTimestamp(start) AS s, toUnixTimestamp(answer) AS a, toUnixTimestamp(end) AS e,
      src, dst, did, clid, dcontext, channel, dstchannel, lastapp, lastdata, duration, billsec, disposition, uniqueid, linkedid, sequence, userfield, accountcode
    FROM ${TABLES.cdr} FINAL
    WHERE ${inRange} AND ${CDR_CALL_KEY_SQL} IN (SELECT ${CDR_CALL_KEY_SQL} FROM ${TABLES.cdr} WHERE ${inRange} AND uniqueid = {callid:String})
    ORDER BY start, ifNull(sequence, 0), end, uniqueid, source, offset`, { site, callid, lo_s, hi_s }, 'call CDR legs')).map((r): CallStoryCdrLeg => ({
    start: iso(r['s']), answer: r['a'] === null ? null : iso(r['a']), end: iso(r['e']),
    src: String(r['src']), dst: String(r['dst']), did: String(r['did']), clid: String(r['clid']), dcontext: String(r['dcontext']),
    channel: String(r['channel']), dstchannel: String(r['dstchannel']), lastapp: String(r['lastapp']), lastdata: String(r['lastdata']),
    duration: Number(r['duration']), billsec: Number(r['billsec']), disposition: String(r['disposition']),
    uniqueid: String(r['uniqueid']), linkedid: String(r['linkedid']), sequence: num(r['sequence']), userfield: String(r['userfield']), accountcode: String(r['accountcode']),
  }));
}

/** null when nothing at all is stored for the call. */
export async function queryCallStory(ch: ClickHouse, site: string, callid: string, o: KpiReadOptions & { nowMs: number }): Promise<CallStory | null> {
  const p = { site, callid };
  // Ordered as the PBX wrote them: time, then the line's place in its source.
  const events = (await rows<Record<string, unknown>>(ch, `SELECT toUnixTimestamp(ts) AS t, source, offset, queue, agent, verb, wait_s, talk_s, caller, info, data
    FROM ${TABLES.queueEvents} FINAL WHERE site = {site:String} AND callid = {callid:String} ORDER BY ts, source, offset`, p, 'call events')).map((r): CallStoryEvent => ({
    ts: iso(r['t']), source: String(r['source']), offset: Number(r['offset']), queue: String(r['queue']), agent: String(r['agent']), verb: String(r['verb']),
    wait_s: num(r['wait_s']), talk_s: num(r['talk_s']), caller: String(r['caller']), info: String(r['info']), data: r['data'] as string[],
  }));

  // The stints' range, then the list of calls over it narrowed to this call: the same plan, so
  // the same definition per stint as the KPI rows.
  const span = (await rows<{ a: unknown; b: unknown; n: unknown }>(ch, `SELECT toUnixTimestamp(min(enter_ts)) AS a, toUnixTimestamp(max(enter_ts)) AS b, count() AS n
    FROM ${TABLES.stints} FINAL WHERE site = {site:String} AND callid = {callid:String}`, p, 'call stints span'))[0];
  const listed = span && Number(span.n) > 0
    ? await queryCalls(ch, { site, from: iso(span.a), to: iso(Number(span.b) + 1), figure: 'all', order: 'oldest', limit: MAX_STORY_STINTS }, { ...o, callid })
    : null;
  const stints = listed?.rows ?? [];

  const surveys = (await rows<Record<string, unknown>>(ch, `SELECT survey_id, toUnixTimestamp(ts) AS t, queue, agent, dimension, score
    FROM ${TABLES.surveyAnswers} FINAL WHERE site = {site:String} AND callid = {callid:String} ORDER BY ts, survey_id, dimension`, p, 'call surveys')).map((r) => ({
    survey_id: String(r['survey_id']), ts: iso(r['t']), queue: String(r['queue']), agent: String(r['agent']), dimension: String(r['dimension']), score: Number(r['score']),
  }));

  // Evaluations are immutable versions: the newest of each.
  const evaluations = (await rows<Record<string, unknown>>(ch, `SELECT evaluation_id, version, kind, session_id, form_id, analyst, score, band, toUnixTimestamp64Milli(created_at) AS c
    FROM ${TABLES.qaEvaluations} WHERE site = {site:String} AND callid = {callid:String}
    ORDER BY evaluation_id, version DESC LIMIT 1 BY evaluation_id`, p, 'call evaluations')).map((r) => ({
    evaluation_id: String(r['evaluation_id']), version: Number(r['version']), kind: String(r['kind']), session_id: String(r['session_id']), form_id: String(r['form_id']),
    analyst: String(r['analyst']), score: num(r['score']), band: String(r['band']), created_at: isoMs(r['c']),
  })).sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));

  const calibration_sessions = (await rows<Record<string, unknown>>(ch, `SELECT session_id, title, form_id, toUnixTimestamp64Milli(deadline) AS d, created_by
    FROM ${TABLES.qaCalibrationSessions} FINAL WHERE site = {site:String} AND callid = {callid:String} ORDER BY created_at, session_id`, p, 'call calibration sessions')).map((r) => ({
    session_id: String(r['session_id']), title: String(r['title']), form_id: String(r['form_id']), deadline: isoMs(r['d']), created_by: String(r['created_by']),
  }));

  // A queue_log line names its call in its second field: `epoch|callid|queue|agent|verb|...`.
  const rejected_lines = (await rows<Record<string, unknown>>(ch, `SELECT source, offset, line_no, raw, reason, toUnixTimestamp(rejected_at) AS t
    FROM ${TABLES.deadLetters} FINAL WHERE site = {site:String} AND splitByChar('|', raw)[2] = {callid:String}
    ORDER BY rejected_at, source, offset`, p, 'call rejected lines')).map((r): CallStoryRejection => ({
    source: String(r['source']), offset: Number(r['offset']), line_no: Number(r['line_no']), raw: String(r['raw']), reason: String(r['reason']), rejected_at: iso(r['t']),
  }));

  const tickets = await queryEscalationsByCall(ch, { tz: o.defaultTz, ...(o.baseCalendars ? { calendars: o.baseCalendars } : {}) }, site, callid, o.nowMs);
  const known = [...events.map((e) => Date.parse(e.ts) / 1000), ...(span && Number(span.n) > 0 ? [Number(span.a), Number(span.b)] : [])];
  const cdr_legs = await queryCdrLegs(ch, site, callid, known);
  const found = events.length + stints.length + surveys.length + evaluations.length + calibration_sessions.length + rejected_lines.length + tickets.length + cdr_legs.length;
  if (found === 0) return null;
  const template = (await readSettings(ch))['recording_url_template'] ?? DEFAULT_QA_SETTINGS.recording_url_template;
  return { site, callid, tz: listed?.tz ?? o.defaultTz, events, stints, surveys, tickets, evaluations, calibration_sessions, recording_url: recordingUrl(template, { site, callid }), rejected_lines, cdr_legs };
}
