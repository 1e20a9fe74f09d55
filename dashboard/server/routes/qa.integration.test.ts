// /api/qa/* and POST /ingest/surveys through the real app, the real quality service and an
// embedded ClickHouse: access by role, masking of caller numbers, error codes, the survey push.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createQualityService } from '@tablero/processor/quality';
import { TABLES } from '@tablero/sql';
import { buildApp } from '../app.ts';
import { sha256Hex } from '../store/auth-store.ts';
import { SECRET, TestBus, captureLog, login, openTestDb, seedUsers, type LoggedIn, type TestDb } from '../testing/support.ts';
import type { Role } from '../core/roles.ts';
import type { SurveyPushRequest } from './qa.ts';

const SOURCE_TOKEN = 'survey-ivr-token';
let db: TestDb;
let app: FastifyInstance;
let bare: FastifyInstance;
const sessions = new Map<Role, LoggedIn>();
const pushed: SurveyPushRequest[] = [];

const FORM = {
  name: 'Monitoreo',
  bands: [{ label: 'todo', max: 100 }],
  sections: [{ id: 's', title: 'S', items: [{ id: 'greet', label: 'Saluda', type: 'yes_no' }] }],
};

function as(role: Role): Record<string, string> {
  const s = sessions.get(role) as LoggedIn;
  return { cookie: s.cookie, 'x-csrf-token': s.csrf };
}

beforeAll(async () => {
  db = await openTestDb();
  await seedUsers(db.ch);
  await db.ch.client.insert({
    table: TABLES.stints,
    format: 'JSONEachRow',
    values: [{ stint_id: 's1', site: 'lpz', queue: '101', callid: 'c1', enter_ts: 1772400000, end_ts: 1772400130, outcome: 'answered', wait_s: 10, talk_s: 120, agent: 'Ana', caller: '70012345', transferred: false, enter_seen: true, end_event_id: 'e1' }],
  });
  const log = captureLog().log;
  const quality = createQualityService({ ch: db.ch, log, tz: 'America/La_Paz' });
  const deps = { bus: new TestBus(), ch: db.ch, log, queryKpis: async () => [] };
  const opts = { sessionSecret: SECRET, sourceTokens: { [sha256Hex(SOURCE_TOKEN)]: { site: 'lpz', name: 'ivr' } } };
  app = await buildApp({ ...deps, quality, pushSurveys: async (req) => (pushed.push(req), { accepted: 2, rejected: 1 }) }, opts);
  bare = await buildApp(deps, opts);
  for (const [role, user] of [['admin', 'ana'], ['manager', 'mario'], ['supervisor', 'sofia'], ['qa_analyst', 'quique']] as const) sessions.set(role, await login(app, user));
});

afterAll(async () => {
  await app?.close();
  await bare?.close();
  await db?.cleanup();
});

describe('/api/qa access', () => {
  it('needs a session', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/qa/forms' });
    expect([res.statusCode, res.json().code]).toEqual([401, 'TABLERO_ERR_UNAUTHENTICATED']);
  });

  it.each([
    ['POST', '/api/qa/forms', { spec: FORM }, { admin: 200, manager: 200, supervisor: 403, qa_analyst: 200 }],
    ['POST', '/api/qa/evaluations', { callid: 'c1', form_id: 'none', answers: {} }, { admin: 404, manager: 403, supervisor: 403, qa_analyst: 404 }],
    ['GET', '/api/qa/calibrations', undefined, { admin: 200, manager: 200, supervisor: 403, qa_analyst: 200 }],
    ['GET', '/api/qa/teams', undefined, { admin: 200, manager: 200, supervisor: 403, qa_analyst: 403 }],
    ['PUT', '/api/qa/settings', { target_per_agent: 3 }, { admin: 200, manager: 403, supervisor: 403, qa_analyst: 403 }],
    ['GET', '/api/qa/surveys?month=2026-03', undefined, { admin: 200, manager: 200, supervisor: 200, qa_analyst: 200 }],
  ] as const)('%s %s by role', async (method, url, payload, expected) => {
    for (const [role, status] of Object.entries(expected) as Array<[Role, number]>) {
      const res = await app.inject({ method, url, headers: as(role), ...(payload === undefined ? {} : { payload }) });
      expect([role, res.statusCode]).toEqual([role, status]);
    }
  });

  it('answers null for a month with no sample drawn yet (not a 404)', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/qa/samples/2026-03', headers: as('qa_analyst') });
    expect([res.statusCode, res.headers['content-type'], res.body]).toEqual([200, 'application/json; charset=utf-8', 'null']);
  });

  it('masks caller numbers for roles that do not need them and hides other teams from supervisors', async () => {
    const get = (role: Role) => app.inject({ method: 'GET', url: '/api/qa/calls/c1', headers: as(role) });
    expect((await get('qa_analyst')).json().caller).toBe('70012345');
    expect((await get('manager')).json().caller).toBe('*****345');
    // Sofia supervises nobody yet.
    expect((await get('supervisor')).statusCode).toBe(404);
    const teams = await app.inject({ method: 'PUT', url: '/api/qa/teams', headers: as('manager'), payload: { members: [{ agent: 'Ana', team: 'A', supervisor: 'sofia' }] } });
    expect(teams.statusCode).toBe(200);
    expect((await get('supervisor')).json()).toMatchObject({ callid: 'c1', agent: 'Ana', caller: '*****345', recording_url: null });
  });

  it('answers typed errors for bad input and closed sessions', async () => {
    const bad = await app.inject({ method: 'POST', url: '/api/qa/forms', headers: as('qa_analyst'), payload: { spec: { ...FORM, bands: [] } } });
    expect(bad.json()).toEqual({ code: 'TABLERO_ERR_QA_INVALID', message: 'bands must be a non-empty list' });
    const month = await app.inject({ method: 'GET', url: '/api/qa/surveys?month=2026-3', headers: as('qa_analyst') });
    expect([month.statusCode, month.json()]).toEqual([400, { code: 'TABLERO_ERR_BAD_QUERY', message: 'bad query parameter month: must be YYYY-MM' }]);
    const form = (await app.inject({ method: 'POST', url: '/api/qa/forms', headers: as('qa_analyst'), payload: { spec: FORM } })).json() as { form_id: string };
    const s = await app.inject({
      method: 'POST', url: '/api/qa/calibrations', headers: as('manager'),
      payload: { callid: 'c1', form_id: form.form_id, analysts: ['quique', 'ana'], reference_analyst: 'ana', deadline_ms: Date.now() + 60_000 },
    });
    expect(s.statusCode).toBe(200);
    const id = (s.json() as { session_id: string }).session_id;
    const blind = await app.inject({ method: 'GET', url: `/api/qa/calibrations/${id}`, headers: as('qa_analyst') });
    expect([blind.json().revealed, blind.json().stats]).toEqual([false, null]);
    const sent = await app.inject({ method: 'POST', url: `/api/qa/calibrations/${id}/evaluations`, headers: as('qa_analyst'), payload: { answers: { greet: 1 } } });
    expect([sent.statusCode, sent.json().revealed, sent.json().my_evaluation.score]).toEqual([200, true, 100]);
    const again = await app.inject({ method: 'POST', url: `/api/qa/calibrations/${id}/evaluations`, headers: as('qa_analyst'), payload: { answers: { greet: 1 } } });
    expect([again.statusCode, again.json().code]).toEqual([409, 'TABLERO_ERR_QA_CONFLICT']);
    const outsider = await app.inject({ method: 'POST', url: `/api/qa/calibrations/${id}/evaluations`, headers: as('manager'), payload: { answers: { greet: 1 } } });
    expect([outsider.statusCode, outsider.json().code]).toEqual([403, 'TABLERO_ERR_FORBIDDEN']);
  });

  it('scores answers given so far on a form version without storing them (the running score)', async () => {
    const spec = {
      name: 'Parcial',
      bands: [{ label: 'bajo', max: 60 }, { label: 'alto', max: 100 }],
      critical_policy: 'zero_score',
      sections: [{ id: 's', title: 'S', items: [
        { id: 'greet', label: 'Saluda', type: 'yes_no' },
        { id: 'data', label: 'Datos', type: 'yes_no', critical: 'compliance' },
        { id: 'fix', label: 'Resuelve', type: 'scale', max: 4, weight: 2 },
      ] }],
    };
    const form = (await app.inject({ method: 'POST', url: '/api/qa/forms', headers: as('qa_analyst'), payload: { spec } })).json() as { form_id: string };
    const score = (answers: unknown, version = '1'): Promise<{ statusCode: number; json(): unknown }> =>
      app.inject({ method: 'POST', url: `/api/qa/forms/${form.form_id}/versions/${version}/score`, headers: as('qa_analyst'), payload: { answers } });
    // Only the items answered count: yes + 3/4 on weight 2 -> 100 x (1 + 2 x 3/4) / 3 = 83.33.
    expect((await score({ greet: 1, fix: 3 })).json()).toEqual({ score: 83.33, raw_score: 83.33, band: 'alto', failed_critical: [], zeroed: false, applicable_items: 2 });
    // A failed critical item zeroes the score; the raw score stays beside it.
    expect((await score({ greet: 1, data: 0, fix: 3 })).json()).toEqual({ score: 0, raw_score: 62.5, band: 'bajo', failed_critical: ['compliance'], zeroed: true, applicable_items: 3 });
    expect((await score({})).json()).toEqual({ score: null, raw_score: null, band: null, failed_critical: [], zeroed: false, applicable_items: 0 });
    const bad = await score({ fix: 5 });
    expect([bad.statusCode, bad.json()]).toEqual([400, { code: 'TABLERO_ERR_QA_INVALID', message: 'item fix takes a whole number from 0 to 4' }]);
    expect((await score({ greet: 1 }, '9')).statusCode).toBe(404);
    expect((await score({ greet: 1 }, 'x')).statusCode).toBe(400);
  });

  it('answers 503 where the quality service is not wired', async () => {
    const s = await login(bare, 'quique');
    const res = await bare.inject({ method: 'GET', url: '/api/qa/forms', headers: { cookie: s.cookie } });
    expect([res.statusCode, res.json().code]).toEqual([503, 'TABLERO_ERR_QA_UNAVAILABLE']);
  });
});

describe('POST /ingest/surveys', () => {
  it('takes CSV text with a source token and answers after the push resolved', async () => {
    const body = 'callid,ts,calidad\nc1,1772400000,5\n';
    const res = await app.inject({ method: 'POST', url: '/ingest/surveys', headers: { authorization: `Bearer ${SOURCE_TOKEN}`, 'content-type': 'text/csv' }, payload: body });
    expect([res.statusCode, res.json()]).toEqual([200, { accepted: 2, rejected: 1 }]);
    expect(pushed).toEqual([{ site: 'lpz', sourceName: 'ivr', body }]);
    const anon = await app.inject({ method: 'POST', url: '/ingest/surveys', payload: body, headers: { 'content-type': 'text/csv' } });
    expect([anon.statusCode, anon.json().code]).toEqual([401, 'TABLERO_ERR_SOURCE_TOKEN']);
  });
});
