import { describe, expect, it } from 'vitest';
import type { SurveyAnswer } from '@tablero/ingest/contract';
import { completeAnswers, parseSurveyEvent, surveyStats, type AnsweredCall, type SurveyEventRow } from './surveys.ts';

const EV: SurveyEventRow = { event_id: 'fp:120', site: 'lpz', source: '/var/log/asterisk/queue_log', ts: 1772400000, callid: '1772399000.15', queue: '101', agent: 'Ana', verb: 'SURVEY', data: [] };

describe('parseSurveyEvent', () => {
  it.each([
    ['named dimensions', ['calidad=5', 'oportunidad=4', 'amabilidad=3'], [['calidad', 5], ['oportunidad', 4], ['amabilidad', 3]]],
    ['bare scores in the default order', ['5', '4', '3'], [['calidad', 5], ['oportunidad', 4], ['amabilidad', 3]]],
    ['empty padding fields', ['4', '', '', '', ''], [['calidad', 4]]],
    ['names in any case and order, with spaces', [' Amabilidad = 2', 'CALIDAD=1'], [['amabilidad', 2], ['calidad', 1]]],
    ['a custom dimension', ['resolucion=5'], [['resolucion', 5]]],
  ])('reads %s', (_name, data, expected) => {
    const r = parseSurveyEvent({ ...EV, data });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.map((a) => [a.dimension, a.score])).toEqual(expected);
    expect(r.value[0]).toMatchObject({ survey_id: 'fp:120', site: 'lpz', callid: '1772399000.15', queue: '101', agent: 'Ana', ts: 1772400000 });
  });

  it('leaves queue and agent empty when the line says NONE', () => {
    const r = parseSurveyEvent({ ...EV, queue: 'NONE', agent: 'NONE', data: ['5'] });
    expect(r).toEqual({ ok: true, value: [{ survey_id: 'fp:120', site: 'lpz', source: EV.source, ts: EV.ts, callid: EV.callid, queue: '', agent: '', dimension: 'calidad', score: 5 }] });
  });

  it('takes 20 dimensions, the most a survey may answer', () => {
    const r = parseSurveyEvent({ ...EV, data: Array.from({ length: 20 }, (_, i) => `d${i}=5`) });
    expect(r.ok && r.value.length).toBe(20);
  });

  it.each([
    ['a score of 6', { data: ['6'] }, 'bad_score:calidad'],
    ['a score of 0', { data: ['calidad=0'] }, 'bad_score:calidad'],
    ['a word for a score', { data: ['oportunidad=bueno'] }, 'bad_score:oportunidad'],
    ['a repeated dimension', { data: ['calidad=5', 'calidad=4'] }, 'repeated_dimension:calidad'],
    ['a fourth bare score', { data: ['5', '4', '3', '2'] }, 'too_many_scores'],
    ['no scores', { data: ['', ''] }, 'no_scores'],
    ['a bad dimension name', { data: ['9x=3'] }, 'bad_dimension:9x'],
    ['no callid', { callid: 'NONE', data: ['5'] }, 'no_callid'],
    ['another verb', { verb: 'survey', data: ['5'] }, 'not_a_survey'],
    ['21 dimensions (more than MAX_SURVEY_DIMENSIONS)', { data: Array.from({ length: 21 }, (_, i) => `d${i}=5`) }, 'too_many_dimensions'],
    ['10,000 score columns', { data: Array.from({ length: 10_000 }, (_, i) => `d${i}=5`) }, 'too_many_dimensions'],
  ])('rejects %s', (_name, over, reason) => {
    const r = parseSurveyEvent({ ...EV, ...over });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe(reason);
  });
});

function ans(survey: string, callid: string, queue: string, agent: string, scores: Record<string, number>): SurveyAnswer[] {
  return Object.entries(scores).map(([dimension, score]) => ({ survey_id: survey, site: 'lpz', source: 's', ts: 1, callid, queue, agent, dimension, score }));
}

const ANSWERED: AnsweredCall[] = [
  { site: 'lpz', callid: 'c1', queue: '101', agent: 'a1' },
  { site: 'lpz', callid: 'c2', queue: '101', agent: 'a1' },
  { site: 'lpz', callid: 'c3', queue: '101', agent: 'a2' },
  { site: 'lpz', callid: 'c4', queue: '101', agent: 'a2' },
  { site: 'lpz', callid: 'c5', queue: '102', agent: 'a3' },
];

describe('surveyStats', () => {
  const raw = [
    ...ans('s1', 'c1', '101', 'a1', { calidad: 5, oportunidad: 4, amabilidad: 3 }),
    ...ans('s3', 'c3', '101', 'a2', { calidad: 2, oportunidad: 4, amabilidad: 5 }),
    // Queue and agent come from the answered call.
    ...ans('s5', 'c5', '', '', { calidad: 4 }),
    // The same survey imported again counts once.
    ...ans('s1', 'c1', '101', 'a1', { calidad: 5 }),
  ];
  const stats = surveyStats(completeAnswers(raw, ANSWERED), ANSWERED, { from_s: 0, to_s: 10 });

  it('gives CSAT, means per dimension and response rate in total', () => {
    // 5 answered calls, 3 surveyed; 7 answers, 5 of them 4 or 5.
    expect(stats.total).toEqual({
      key: '',
      answered_calls: 5,
      surveyed_calls: 3,
      response_rate_pct: 60,
      answers: 7,
      csat_pct: 71.43,
      dimensions: {
        calidad: { answers: 3, mean: 3.67, csat_pct: 66.67 },
        oportunidad: { answers: 2, mean: 4, csat_pct: 100 },
        amabilidad: { answers: 2, mean: 4, csat_pct: 50 },
      },
    });
  });

  it('per queue and per agent', () => {
    expect(stats.by_queue.map((r) => [r.key, r.answered_calls, r.surveyed_calls, r.response_rate_pct, r.answers, r.csat_pct])).toEqual([
      ['101', 4, 2, 50, 6, 66.67],
      ['102', 1, 1, 100, 1, 100],
    ]);
    expect(stats.by_agent.map((r) => [r.key, r.answered_calls, r.surveyed_calls, r.response_rate_pct, r.answers, r.csat_pct])).toEqual([
      ['a1', 2, 1, 50, 3, 66.67],
      ['a2', 2, 1, 50, 3, 66.67],
      ['a3', 1, 1, 100, 1, 100],
    ]);
    expect(stats.by_agent[2]?.dimensions).toEqual({
      calidad: { answers: 1, mean: 4, csat_pct: 100 },
      oportunidad: { answers: 0, mean: null, csat_pct: null },
      amabilidad: { answers: 0, mean: null, csat_pct: null },
    });
  });

  it('has null ratios with nothing to divide by', () => {
    const empty = surveyStats([], [], { from_s: 0, to_s: 10 });
    expect(empty.total).toMatchObject({ answered_calls: 0, surveyed_calls: 0, response_rate_pct: null, answers: 0, csat_pct: null });
    expect(empty.by_queue).toEqual([]);
  });
});
