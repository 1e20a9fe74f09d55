// The quality service against embedded ClickHouse with the real migrations: versioned forms and
// evaluations, visibility filters and masking, reproducible samples, a calibration session from blind
// scoring to the reveal, surveys from the quality stream and from queue_log, the monthly report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { QA_STREAM, surveySubject, type SurveyBatch } from '@tablero/ingest/contract';
import { TABLES } from '@tablero/sql';
import { localToEpoch } from '../core/calendar.ts';
import { freshClickHouse } from '../testing/clickhouse.ts';
import { TestBus } from '../testing/bus.ts';
import type { QaFormSpec, QaViewer, QaVisibility, QualityApi, QaResult } from './contract.ts';
import { createQualityService } from './service.ts';
import { startSurveyConsumer } from './survey-consumer.ts';

const TZ = 'America/Bogota';
const at = (day: number, hour: number): number => localToEpoch(2026, 3, day, hour, 0, TZ);
// What the dashboard grants each role (dashboard/server/core/roles.ts, qaVisibility).
const ANALYST: QaVisibility = { callerNumbers: 'full', agents: 'all', calibrations: 'own' };
const QA: QaViewer = { username: 'quique', sees: ANALYST };
const RITA: QaViewer = { username: 'rita', sees: ANALYST };
const REF: QaViewer = { username: 'ref', sees: ANALYST };
const SOFIA: QaViewer = { username: 'sofia', sees: { callerNumbers: 'masked', agents: 'supervised', calibrations: 'own' } };
const MARIO: QaViewer = { username: 'mario', sees: { callerNumbers: 'masked', agents: 'all', calibrations: 'all' } };

let db: Awaited<ReturnType<typeof freshClickHouse>>;
let qa: QualityApi;
let clock = at(20, 12) * 1000;
let ids = 0;
const emitted: Array<{ subject: string; body: unknown }> = [];

function value<T>(r: QaResult<T>): T {
  if (!r.ok) throw new Error(`${r.error}: ${r.reason}`);
  return r.value;
}

const SPEC: QaFormSpec = {
  name: 'Monitoreo',
  critical_policy: 'zero_score',
  bands: [
    { label: 'mejorar', max: 60 },
    { label: 'cumple', max: 85 },
    { label: 'supera', max: 100 },
  ],
  sections: [
    {
      id: 's',
      title: 'Atención',
      items: [
        { id: 'greet', label: 'Saluda', type: 'yes_no', max: 1, weight: 1, allow_na: false, critical: null, guidance: '' },
        { id: 'solve', label: 'Resuelve', type: 'scale', max: 4, weight: 3, allow_na: false, critical: null, guidance: '' },
        { id: 'law', label: 'Habeas data', type: 'yes_no', max: 1, weight: 1, allow_na: true, critical: 'compliance', guidance: '' },
      ],
    },
  ],
};

function stint(callid: string, agent: string, queue: string, enter: number, transferred = false, outcome = 'answered'): Record<string, unknown> {
  return {
    stint_id: `st-${callid}`, site: 'bog', queue, callid, enter_ts: enter, end_ts: enter + 130, outcome,
    wait_s: 10, talk_s: outcome === 'answered' ? 120 : null, agent, caller: '3001234567', transferred, enter_seen: true, end_event_id: `e-${callid}`,
  };
}

beforeAll(async () => {
  db = await freshClickHouse();
  await db.client.insert({
    table: TABLES.stints,
    format: 'JSONEachRow',
    values: [stint('c1', 'Ana', '101', at(2, 9)), stint('c2', 'Ana', '101', at(3, 15)), stint('c3', 'Beto', '102', at(4, 19), true), stint('c4', '', '101', at(5, 9), false, 'abandoned')],
  });
  qa = createQualityService({
    ch: db,
    log: pino({ level: 'silent' }),
    tz: TZ,
    now: () => clock,
    newId: () => `id${++ids}`,
    randomSeed: () => 4242,
    emit: (subject, data) => emitted.push({ subject, body: JSON.parse(Buffer.from(data).toString('utf8')) as unknown }),
  });
  value(await qa.saveTeams([{ agent: 'Ana', team: 'A', supervisor: 'sofia' }, { agent: 'Beto', team: 'B', supervisor: 'otro' }], MARIO));
  value(await qa.saveSettings({ recording_url_template: 'https://rec.example/{site}/{callid}.wav', target_per_agent: 2 }, MARIO));
});

afterAll(async () => {
  await db?.dispose();
});

describe('forms and evaluations', () => {
  let formId = '';
  let firstEval = '';

  it('publishes versions and keeps past evaluations on theirs', async () => {
    const v1 = value(await qa.publishForm({ spec: SPEC }, QA));
    formId = v1.form_id;
    expect(v1.version).toBe(1);
    // 100 x (1 + 3 x 2/4 + 1) / 5 = 70
    const e1 = value(await qa.submitEvaluation({ callid: 'c1', form_id: formId, answers: { greet: 1, solve: 2, law: 1 } }, QA));
    firstEval = e1.evaluation_id;
    expect([e1.score, e1.band, e1.form_version, e1.agent, e1.queue, e1.analyst, e1.call_ts]).toEqual([70, 'cumple', 1, 'Ana', '101', 'quique', at(2, 9)]);

    const v2 = value(await qa.publishForm({ form_id: formId, spec: { ...SPEC, sections: [{ ...SPEC.sections[0], items: SPEC.sections[0]?.items.map((i) => (i.id === 'solve' ? { ...i, weight: 8 } : i)) }] } }, QA));
    expect(v2.version).toBe(2);
    expect((await qa.listForms()).map((f) => [f.form_id, f.version])).toEqual([[formId, 2]]);
    expect((await qa.formVersions(formId)).map((f) => f.version)).toEqual([1, 2]);

    // A new evaluation takes v2: 100 x (1 + 8 x 2/4 + 1) / 10 = 60; a failed critical item zeroes it.
    const e2 = value(await qa.submitEvaluation({ callid: 'c2', form_id: formId, answers: { greet: 1, solve: 2, law: 1 } }, QA));
    expect([e2.score, e2.form_version]).toEqual([60, 2]);
    const e3 = value(await qa.submitEvaluation({ callid: 'c3', form_id: formId, answers: { greet: 1, solve: 4, law: 0 } }, QA));
    // raw 100 x (1 + 8 + 0) / 10 = 90
    expect([e3.score, e3.raw_score, e3.failed_critical, e3.band]).toEqual([0, 90, ['compliance'], 'mejorar']);

    // Editing the first one stores version 2, still scored with form v1: 100 x (1 + 3 + 1) / 5.
    const edited = value(await qa.editEvaluation(firstEval, { answers: { greet: 1, solve: 4, law: 1 }, comment: 'revisado' }, RITA));
    expect([edited.version, edited.form_version, edited.score, edited.analyst]).toEqual([2, 1, 100, 'rita']);
    const hist = value(await qa.evaluationHistory(firstEval, QA));
    expect(hist.map((e) => [e.version, e.score, e.analyst, e.comment])).toEqual([
      [1, 70, 'quique', ''],
      [2, 100, 'rita', 'revisado'],
    ]);
  });

  it('refuses bad input with a reason', async () => {
    expect(await qa.submitEvaluation({ callid: 'c1', form_id: formId, answers: { greet: 1 } }, QA)).toEqual({ ok: false, error: 'invalid', reason: 'item solve is not answered' });
    expect(await qa.submitEvaluation({ callid: 'c4', form_id: formId, answers: {} }, QA)).toEqual({ ok: false, error: 'not_found', reason: 'answered call c4' });
    expect(await qa.publishForm({ form_id: 'nope', spec: SPEC }, QA)).toEqual({ ok: false, error: 'not_found', reason: 'form nope' });
    expect((await qa.publishForm({ spec: { ...SPEC, bands: [] } }, QA)).ok).toBe(false);
  });

  it('shows supervisors their team only, with caller numbers masked', async () => {
    expect((await qa.call('c1', null, QA))?.caller).toBe('3001234567');
    expect(await qa.call('c1', null, SOFIA)).toEqual({
      site: 'bog', callid: 'c1', queue: '101', agent: 'Ana', enter_ts: at(2, 9), end_ts: at(2, 9) + 130, wait_s: 10, talk_s: 120,
      caller: '*******567', transferred: false, recording_url: 'https://rec.example/bog/c1.wav',
    });
    expect(await qa.call('c3', null, SOFIA)).toBeNull();
    expect((await qa.searchCalls({ from_s: at(1, 0), to_s: at(31, 0) }, SOFIA)).map((c) => c.callid)).toEqual(['c2', 'c1']);
    expect((await qa.searchCalls({ from_s: at(1, 0), to_s: at(31, 0) }, MARIO)).map((c) => [c.callid, c.caller])).toEqual([
      ['c3', '*******567'],
      ['c2', '*******567'],
      ['c1', '*******567'],
    ]);
    expect(await qa.agentResults('Beto', { from_s: at(1, 0), to_s: at(31, 0) }, SOFIA)).toEqual({ ok: false, error: 'forbidden', reason: 'the results of Beto' });
    const ana = value(await qa.agentResults('Ana', { from_s: at(1, 0), to_s: at(31, 0) }, SOFIA));
    expect(ana.evaluations.map((e) => [e.callid, e.version, e.score])).toEqual([
      ['c1', 2, 100],
      ['c2', 1, 60],
    ]);
    expect(ana.months).toEqual([{ month: '2026-03', evaluations: 2, avg_score: 80, critical_accuracy: { end_user: 100, business: 100, compliance: 100 } }]);
  });
});

describe('sampling', () => {
  it('draws per agent with a recorded seed and redraws the same calls from it', async () => {
    const first = value(await qa.drawSample({ month: '2026-03', target_per_agent: 1 }, QA));
    expect([first.version, first.seed, first.target_per_agent]).toEqual([1, 4242, 1]);
    expect(first.agents).toEqual([
      { agent: 'Ana', population: 2, target: 1, drawn: 1, done: 2 },
      { agent: 'Beto', population: 1, target: 1, drawn: 1, done: 1 },
    ]);
    const again = value(await qa.drawSample({ month: '2026-03', target_per_agent: 1, seed: 4242 }, QA));
    expect(again.version).toBe(2);
    expect(again.calls).toEqual(first.calls);
    const stored = value(await qa.sample('2026-03', SOFIA));
    expect(stored?.version).toBe(2);
    expect(stored?.agents.map((a) => a.agent)).toEqual(['Ana']);
    expect(stored?.calls.every((c) => c.agent === 'Ana')).toBe(true);
    expect(await qa.sample('2026-3', QA)).toEqual({ ok: false, error: 'invalid', reason: 'month must be YYYY-MM' });
  });
});

describe('calibration session', () => {
  let sessionId = '';
  const answers = { greet: 1, solve: 2, law: 1 };

  it('keeps scores blind until the viewer submitted, and announces each submission', async () => {
    const formId = (await qa.listForms())[0]?.form_id as string;
    const s = value(await qa.createSession({ callid: 'c1', form_id: formId, analysts: ['quique', 'rita', 'ref'], reference_analyst: 'ref', deadline_ms: clock + 3_600_000 }, MARIO));
    sessionId = s.session_id;
    expect([s.form_version, s.tolerance, s.reference, s.agent]).toEqual([2, 5, { kind: 'analyst', analyst: 'ref' }, 'Ana']);

    const before = value(await qa.session(sessionId, QA));
    expect([before.revealed, before.stats, before.submitted_by]).toEqual([false, null, []]);

    // v2: 100 x (1 + 8 x 2/4 + 1) / 10 = 60
    const afterQuique = value(await qa.submitCalibration(sessionId, { answers }, QA));
    expect([afterQuique.revealed, afterQuique.submitted_by, afterQuique.my_evaluation?.score]).toEqual([true, ['quique'], 60]);
    expect(afterQuique.stats?.analysts.map((a) => [a.analyst, a.deviation])).toEqual([['quique', null]]);
    expect(emitted.at(-1)).toEqual({ subject: 'kpi.qa.bog', body: { type: 'calibration', site: 'bog', session_id: sessionId, submitted: 1, invited: 3, at_ms: clock } });

    const ritaBlind = value(await qa.session(sessionId, RITA));
    expect([ritaBlind.revealed, ritaBlind.stats, ritaBlind.submitted_by]).toEqual([false, null, ['quique']]);
    // The coordinator (not an analyst of the session) sees the figures at any time.
    expect(value(await qa.session(sessionId, MARIO)).revealed).toBe(true);

    // ref: 100 x (1 + 8 + 1) / 10 = 100; rita: 100 x (0 + 8 x 3/4 + 1) / 10 = 70
    value(await qa.submitCalibration(sessionId, { answers: { greet: 1, solve: 4, law: 1 } }, REF));
    const done = value(await qa.submitCalibration(sessionId, { answers: { greet: 0, solve: 3, law: 1 } }, RITA));
    expect(done.stats?.analysts.map((a) => [a.analyst, a.score, a.deviation, a.within_tolerance, a.item_agreement_pct])).toEqual([
      ['quique', 60, -40, false, 66.67],
      ['ref', 100, null, null, null],
      ['rita', 70, -30, false, 33.33],
    ]);
    expect([done.stats?.spread, done.stats?.reference_score]).toEqual([40, 100]);
    expect(emitted.map((e) => (e.body as { submitted: number }).submitted)).toEqual([1, 2, 3]);
    // Quique's screen, fetched again after the others submitted, shows every deviation.
    expect(value(await qa.session(sessionId, QA)).stats?.analysts.map((a) => a.deviation)).toEqual([-40, null, -30]);
  });

  it('refuses outsiders, second submissions and late ones', async () => {
    const outsider: QaViewer = { username: 'otra', sees: ANALYST };
    expect(await qa.session(sessionId, outsider)).toEqual({ ok: false, error: 'forbidden', reason: 'you are not part of this calibration session' });
    expect((await qa.submitCalibration(sessionId, { answers }, outsider)).ok).toBe(false);
    expect(await qa.submitCalibration(sessionId, { answers }, QA)).toEqual({ ok: false, error: 'conflict', reason: 'you already submitted your scores for this session' });
    expect(await qa.editEvaluation(`cal:${sessionId}:quique`, { answers }, QA)).toEqual({ ok: false, error: 'conflict', reason: 'calibration scores are final once submitted' });
    expect((await qa.listSessions(outsider)).length).toBe(0);
    expect((await qa.listSessions(RITA)).map((x) => [x.submitted, x.deadline_passed])).toEqual([[3, false]]);
    const formId = (await qa.listForms())[0]?.form_id as string;
    const late = value(await qa.createSession({ callid: 'c2', form_id: formId, analysts: ['quique', 'rita'], reference_analyst: null, deadline_ms: clock + 1000 }, MARIO));
    clock += 2000;
    expect(await qa.submitCalibration(late.session_id, { answers }, QA)).toEqual({ ok: false, error: 'conflict', reason: 'the session is closed: its deadline passed' });
    // After the deadline everyone in the session sees the figures, submitted or not.
    expect(value(await qa.session(late.session_id, RITA)).revealed).toBe(true);
    expect((await qa.createSession({ callid: 'c2', form_id: formId, analysts: ['quique'], reference_analyst: 'rita', deadline_ms: clock + 1000 }, MARIO)).ok).toBe(false);
  });

  it('keeps each analyst history of deviations', async () => {
    expect(await qa.analystHistory()).toEqual([
      { analyst: 'quique', sessions: 1, mean_deviation: -40, within_tolerance_pct: 0, leniency: 'severe' },
      { analyst: 'rita', sessions: 1, mean_deviation: -30, within_tolerance_pct: 0, leniency: 'severe' },
    ]);
  });
});

describe('surveys and the monthly report', () => {
  it('stores pushed answers from the quality stream and reads SURVEY events of queue_log', async () => {
    const bus = new TestBus();
    const consumer = await startSurveyConsumer({ bus, ch: db, log: pino({ level: 'silent' }) });
    expect(bus.streams).toEqual([QA_STREAM]);
    const batch: SurveyBatch = {
      batch_id: 'fp:1-2',
      site: 'bog',
      answers: [
        { survey_id: 'fp:1', site: 'bog', source: 'push:ivr', ts: at(2, 10), callid: 'c1', queue: '', agent: '', dimension: 'calidad', score: 5 },
        { survey_id: 'fp:1', site: 'bog', source: 'push:ivr', ts: at(2, 10), callid: 'c1', queue: '', agent: '', dimension: 'amabilidad', score: 3 },
      ],
    };
    expect(await bus.deliver(surveySubject('bog'), batch, batch.batch_id)).toBe(true);
    // Redelivered after a crash: stored once.
    expect(await bus.deliver(surveySubject('bog'), batch, batch.batch_id)).toBe(true);
    expect(await bus.deliver(surveySubject('bog'), 'not json', 'x')).toBe(true);
    expect(consumer.counters()).toEqual({ batches: 2, answers: 4, bad_messages: 1 });
    await consumer.stop();

    await db.client.insert({
      table: TABLES.queueEvents,
      format: 'JSONEachRow',
      values: [
        { event_id: 'ql:1', site: 'bog', source: 'queue_log', offset: 1, ts: at(4, 20), callid: 'c3', queue: '102', agent: 'Beto', verb: 'SURVEY', custom: true, wait_s: null, talk_s: null, ring_ms: null, position: null, orig_position: null, caller: '', info: '', data: ['4', '5', '2'] },
        { event_id: 'ql:2', site: 'bog', source: 'queue_log', offset: 2, ts: at(4, 21), callid: 'c3', queue: '102', agent: 'Beto', verb: 'SURVEY', custom: true, wait_s: null, talk_s: null, ring_ms: null, position: null, orig_position: null, caller: '', info: '', data: ['9'] },
      ],
    });
    const stats = await qa.surveys({ from_s: at(1, 0), to_s: at(31, 0) }, MARIO);
    // 3 answered calls, 2 surveyed; answers 5, 3 (c1, Ana) and 4, 5, 2 (c3, Beto): 3 of 5 are 4-5.
    expect([stats.total.answered_calls, stats.total.surveyed_calls, stats.total.response_rate_pct, stats.total.answers, stats.total.csat_pct]).toEqual([3, 2, 66.67, 5, 60]);
    expect(stats.total.dimensions).toEqual({
      calidad: { answers: 2, mean: 4.5, csat_pct: 100 },
      oportunidad: { answers: 1, mean: 5, csat_pct: 100 },
      amabilidad: { answers: 2, mean: 2.5, csat_pct: 0 },
    });
    expect(stats.by_agent.map((r) => [r.key, r.answered_calls, r.surveyed_calls, r.csat_pct])).toEqual([
      ['Ana', 2, 1, 50],
      ['Beto', 1, 1, 66.67],
    ]);
    const sofia = await qa.surveys({ from_s: at(1, 0), to_s: at(31, 0) }, SOFIA);
    expect(sofia.by_agent.map((r) => r.key)).toEqual(['Ana']);
  });

  it('gathers the month per agent and team', async () => {
    const report = value(await qa.monthlyReport('2026-03', null));
    expect(report.agents).toEqual([
      { agent: 'Ana', team: 'A', target: 1, done: 2, avg_score: 80, critical_accuracy: { end_user: 100, business: 100, compliance: 100 }, csat_pct: 50, surveys: 1 },
      { agent: 'Beto', team: 'B', target: 1, done: 1, avg_score: 0, critical_accuracy: { end_user: 100, business: 100, compliance: 0 }, csat_pct: 66.67, surveys: 1 },
    ]);
    expect(report.teams.map((t) => [t.team, t.agents, t.target, t.done, t.avg_score])).toEqual([
      ['A', 1, 1, 2, 80],
      ['B', 1, 1, 1, 0],
    ]);
    // Both sessions' deadlines fall in March (the clock is 2026-03-20).
    expect(report.calibration.sessions.map((s) => [s.submitted, s.invited, s.spread, s.within_tolerance_pct])).toEqual([
      [3, 3, 40, 0],
      [0, 2, null, null],
    ]);
    const forSofia = value(await qa.monthlyReport('2026-03', SOFIA));
    expect(forSofia.agents.map((a) => a.agent)).toEqual(['Ana']);
    expect(forSofia.calibration.sessions).toEqual([]);
  });
});
