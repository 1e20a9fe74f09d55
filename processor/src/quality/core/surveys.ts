// Post-call survey figures (kpi-definitions §10) and the reading of survey answers logged as
// custom queue_log events. Pure.
//   CSAT % = answers of 4 or 5 / answers; mean per dimension; response rate = surveyed / answered.
import {
  DEFAULT_SURVEY_DIMENSIONS,
  MAX_SURVEY_DIMENSIONS,
  SURVEY_DIMENSION_PATTERN,
  SURVEY_SCORE_MAX,
  SURVEY_SCORE_MIN,
  SURVEY_VERB,
  type SurveyAnswer,
} from '@tablero/ingest/contract';
import type { SurveyDimensionStats, SurveyStats, SurveyStatsRow } from '../contract.ts';
import { pct, ratio } from '../../core/rounding.ts';

export type SurveyParse = { ok: true; value: SurveyAnswer[] } | { ok: false; reason: string; line: string };

/** The stored fields of a custom queue_log event that a survey needs. */
export interface SurveyEventRow {
  event_id: string;
  site: string;
  source: string;
  ts: number;
  callid: string;
  queue: string;
  agent: string;
  verb: string;
  data: readonly string[];
}

const SCORE = /^[1-5]$/;
const NONE = new Set(['', 'NONE']);

/**
 * Answers of a `SURVEY` event: `dimension=score` fields, or bare scores in the default
 * dimension order. Empty fields are skipped (Asterisk pads data fields); an empty survey, a
 * score outside 1..5 or a repeated dimension rejects the event.
 */
export function parseSurveyEvent(ev: SurveyEventRow): SurveyParse {
  const line = [ev.ts, ev.callid, ev.queue, ev.agent, ev.verb, ...ev.data].join('|');
  if (ev.verb !== SURVEY_VERB) return { ok: false, reason: 'not_a_survey', line };
  if (ev.callid === '' || ev.callid === 'NONE') return { ok: false, reason: 'no_callid', line };
  const out: SurveyAnswer[] = [];
  const seen = new Set<string>();
  let position = 0;
  for (const raw of ev.data) {
    const field = raw.trim();
    if (field === '') continue;
    if (out.length === MAX_SURVEY_DIMENSIONS) return { ok: false, reason: 'too_many_dimensions', line: line.slice(0, 200) };
    let dimension: string;
    let score: string;
    const eq = field.indexOf('=');
    if (eq === -1) {
      const d = DEFAULT_SURVEY_DIMENSIONS[position];
      if (d === undefined) return { ok: false, reason: 'too_many_scores', line };
      dimension = d;
      score = field;
      position++;
    } else {
      dimension = field.slice(0, eq).trim().toLowerCase();
      score = field.slice(eq + 1).trim();
      if (!SURVEY_DIMENSION_PATTERN.test(dimension)) return { ok: false, reason: `bad_dimension:${dimension}`, line };
    }
    if (!SCORE.test(score)) return { ok: false, reason: `bad_score:${dimension}`, line };
    if (seen.has(dimension)) return { ok: false, reason: `repeated_dimension:${dimension}`, line };
    seen.add(dimension);
    out.push({
      survey_id: ev.event_id,
      site: ev.site,
      source: ev.source,
      ts: ev.ts,
      callid: ev.callid,
      queue: NONE.has(ev.queue) ? '' : ev.queue,
      agent: NONE.has(ev.agent) ? '' : ev.agent,
      dimension,
      score: Number(score),
    });
  }
  if (out.length === 0) return { ok: false, reason: 'no_scores', line };
  return { ok: true, value: out };
}

export interface AnsweredCall {
  site: string;
  callid: string;
  queue: string;
  agent: string;
}

/**
 * Survey answers with a missing queue or agent take them from the answered call (same site and
 * callid; the last answered stint when a call was answered in several queues). Answers repeated
 * under the same (survey_id, dimension), e.g. one survey imported twice, count once.
 */
export function completeAnswers(answers: readonly SurveyAnswer[], calls: readonly AnsweredCall[]): SurveyAnswer[] {
  const byCall = new Map<string, AnsweredCall>();
  for (const c of calls) byCall.set(`${c.site}\0${c.callid}`, c);
  const seen = new Set<string>();
  const out: SurveyAnswer[] = [];
  for (const a of answers) {
    const key = `${a.site}\0${a.survey_id}\0${a.dimension}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (a.queue !== '' && a.agent !== '') {
      out.push(a);
      continue;
    }
    const call = byCall.get(`${a.site}\0${a.callid}`);
    out.push({ ...a, queue: a.queue || call?.queue || '', agent: a.agent || call?.agent || '' });
  }
  return out;
}

function row(key: string, answers: readonly SurveyAnswer[], answeredCalls: number, dimensions: readonly string[]): SurveyStatsRow {
  const surveyed = new Set(answers.map((a) => `${a.site}\0${a.callid}`)).size;
  const dims: Record<string, SurveyDimensionStats> = {};
  const names = [...new Set([...dimensions, ...answers.map((a) => a.dimension)])];
  for (const d of names) {
    const list = answers.filter((a) => a.dimension === d);
    dims[d] = {
      answers: list.length,
      mean: ratio(list.reduce((s, a) => s + a.score, 0), list.length),
      csat_pct: pct(list.filter((a) => a.score >= 4).length, list.length),
    };
  }
  return {
    key,
    answered_calls: answeredCalls,
    surveyed_calls: surveyed,
    response_rate_pct: pct(surveyed, answeredCalls),
    answers: answers.length,
    csat_pct: pct(answers.filter((a) => a.score >= 4).length, answers.length),
    dimensions: dims,
  };
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    let l = m.get(k);
    if (!l) m.set(k, (l = []));
    l.push(it);
  }
  return m;
}

/** Survey figures in total, per queue and per agent, from completed answers and the period's answered calls. */
export function surveyStats(
  answers: readonly SurveyAnswer[],
  answered: readonly AnsweredCall[],
  range: { from_s: number; to_s: number },
  dimensions: readonly string[] = DEFAULT_SURVEY_DIMENSIONS,
): SurveyStats {
  const valid = answers.filter((a) => a.score >= SURVEY_SCORE_MIN && a.score <= SURVEY_SCORE_MAX);
  const answeredBy = (key: (c: AnsweredCall) => string): Map<string, number> => {
    const m = new Map<string, number>();
    for (const c of answered) m.set(key(c), (m.get(key(c)) ?? 0) + 1);
    return m;
  };
  const build = (key: (x: { queue: string; agent: string }) => string): SurveyStatsRow[] => {
    const calls = answeredBy(key);
    const groups = groupBy(valid, key);
    const keys = [...new Set([...calls.keys(), ...groups.keys()])].sort();
    return keys.map((k) => row(k, groups.get(k) ?? [], calls.get(k) ?? 0, dimensions));
  };
  return {
    from_s: range.from_s,
    to_s: range.to_s,
    total: row('', valid, answered.length, dimensions),
    by_queue: build((x) => x.queue),
    by_agent: build((x) => x.agent),
  };
}
