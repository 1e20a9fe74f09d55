// /api/campaigns*, POST /ingest/campaign-results and /api/qa/training* through the real app, the
// real campaigns and quality services and an embedded ClickHouse: access by role, the imports'
// reports (bad rows rejected and counted, nothing valid lost), the source-token push, the
// figures of the hand-worked credit week and the consolidated file; training results entered,
// imported and read per month, a supervisor seeing their team only, and in the monthly report.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createCampaignsService } from '@tablero/processor/campaigns';
import { createQualityService } from '@tablero/processor/quality';
import { CONTACTS_CSV, RESULTS_CSV, TZ } from '../../../processor/src/campaigns/testing/credit-week.ts';
import { storeCreditWeekLegs } from '../../../processor/src/campaigns/testing/store.ts';
import { buildApp } from '../app.ts';
import { sha256Hex } from '../store/auth-store.ts';
import { SECRET, TestBus, captureLog, loginEachRole, openTestDb, seedUsers, type TestDb, type Who } from '../testing/support.ts';

const SOURCE_TOKEN = 'crm-results-token';
let db: TestDb;
let app: FastifyInstance;
let as: (who: Who) => Record<string, string>;
let campaign = '';

beforeAll(async () => {
  db = await openTestDb();
  await seedUsers(db.ch);
  await storeCreditWeekLegs(db.ch);
  const log = captureLog().log;
  let clock = Date.UTC(2026, 2, 20, 12);
  const now = (): number => (clock += 1000);
  app = await buildApp(
    {
      bus: new TestBus(), ch: db.ch, log, queryKpis: async () => [],
      quality: createQualityService({ ch: db.ch, log, tz: TZ, now }),
      campaigns: createCampaignsService({ ch: db.ch, log, tz: TZ, now }),
    },
    { sessionSecret: SECRET, sourceTokens: { [sha256Hex(SOURCE_TOKEN)]: { site: 'default', name: 'crm' } } },
  );
  as = await loginEachRole(app);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await db?.cleanup();
});

describe('campaign routes', () => {
  it.each([
    ['GET', '/api/campaigns', undefined, { anon: 401, admin: 200, manager: 200, supervisor: 200, qa_analyst: 403 }],
    ['GET', '/api/campaigns/settings', undefined, { anon: 401, admin: 200, manager: 200, supervisor: 200, qa_analyst: 403 }],
    ['PUT', '/api/campaigns/settings', { phone_prefixes: ['57', '9'] }, { anon: 401, admin: 200, manager: 200, supervisor: 403, qa_analyst: 403 }],
    ['POST', '/api/campaigns', { name: 'x' }, { anon: 401, admin: 400, manager: 400, supervisor: 400, qa_analyst: 403 }],
    ['GET', '/api/campaigns/none/file?format=csv', undefined, { anon: 401, admin: 404, manager: 404, supervisor: 404, qa_analyst: 403 }],
  ] as const)('%s %s by role', async (method, url, payload, expected) => {
    for (const [who, status] of Object.entries(expected) as Array<[Who, number]>) {
      const res = await app.inject({ method, url, headers: as(who), ...(payload === undefined ? {} : { payload }) });
      expect([who, res.statusCode]).toEqual([who, status]);
    }
  });

  it('a supervisor creates a campaign and imports its list: bad rows rejected with reasons, the good ones kept', async () => {
    const res = await app.inject({
      method: 'POST', url: '/api/campaigns', headers: as('supervisor'),
      payload: { name: 'Ofertas de crédito', purpose: 'Libranza', start_date: '2026-03-02', end_date: '2026-03-06', target_list: 'base marzo' },
    });
    expect(res.statusCode).toBe(200);
    campaign = (res.json() as { campaign_id: string }).campaign_id;
    const withBad = `${CONTACTS_CSV}\r\nC6;12;x;y\r\nC1;3009990000;otra;z\r\n;3008880000;sin;id`;
    const imp = await app.inject({ method: 'POST', url: `/api/campaigns/${campaign}/contacts`, headers: as('supervisor'), payload: { csv: withBad } });
    expect(imp.json()).toEqual({
      lines: 8, accepted: 5, new: 5, rejected: 3,
      reasons: [{ line: 7, reason: 'bad_phone' }, { line: 8, reason: 'duplicate_contact' }, { line: 9, reason: 'no_contact_id' }],
    });
    const again = await app.inject({ method: 'POST', url: `/api/campaigns/${campaign}/contacts`, headers: as('manager'), payload: { csv: CONTACTS_CSV } });
    expect(again.json()).toMatchObject({ accepted: 5, new: 0, rejected: 0 });
  });

  it('takes results pushed with a source token, refuses a request without one', async () => {
    const url = `/ingest/campaign-results?campaign=${campaign}`;
    const denied = await app.inject({ method: 'POST', url, payload: RESULTS_CSV, headers: { 'content-type': 'text/csv' } });
    expect([denied.statusCode, denied.json().code]).toEqual([401, 'TABLERO_ERR_SOURCE_TOKEN']);
    const bad = await app.inject({ method: 'POST', url, payload: `${RESULTS_CSV}\nC9,success,2026-03-03 10:00,SIP/1001,`, headers: { 'content-type': 'text/csv', authorization: `Bearer ${SOURCE_TOKEN}` } });
    expect(bad.json()).toEqual({ lines: 6, accepted: 5, new: 5, rejected: 1, reasons: [{ line: 7, reason: 'unknown_contact' }] });
    // Bytes that are not UTF-8 are refused whole (never read with U+FFFD); gzip is decoded; the
    // same results again add nothing.
    const auth = { 'content-type': 'text/csv', authorization: `Bearer ${SOURCE_TOKEN}` };
    const latin1 = await app.inject({ method: 'POST', url, payload: Buffer.from('contact_id,result,at,agent,note\nC1,success,2026-03-03 10:02,SIP/1001,Jos\xe9\n', 'latin1'), headers: auth });
    expect([latin1.statusCode, latin1.json().code]).toEqual([400, 'TABLERO_ERR_BAD_UTF8']);
    const gz = await app.inject({ method: 'POST', url, payload: gzipSync(Buffer.from(RESULTS_CSV)), headers: { ...auth, 'content-encoding': 'gzip' } });
    expect(gz.json()).toEqual({ lines: 5, accepted: 5, new: 0, rejected: 0, reasons: [] });
    const unknown = await app.inject({ method: 'POST', url: '/ingest/campaign-results?campaign=nope', payload: RESULTS_CSV, headers: { authorization: `Bearer ${SOURCE_TOKEN}` } });
    expect([unknown.statusCode, unknown.json().code]).toEqual([404, 'TABLERO_ERR_NOT_FOUND']);
  });

  it('answers the hand-worked figures and the consolidated file', async () => {
    const d = (await app.inject({ method: 'GET', url: `/api/campaigns/${campaign}`, headers: as('supervisor') })).json() as { figures: unknown };
    expect(d.figures).toEqual({ list_size: 5, attempted: 4, attempts: 7, attempts_per_contact: 1.75, contacted: 3, success: 1, coverage_pct: 80, contact_rate_pct: 75, effectiveness_pct: 33.33 });
    const f = await app.inject({ method: 'GET', url: `/api/campaigns/${campaign}/file?format=csv&lang=en&sep=,`, headers: as('supervisor') });
    expect(f.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(f.headers['content-disposition']).toMatch(/^attachment; filename="campaign-ofertas-de-credito-[\w-]+\.csv"$/);
    const lines = f.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('Contact id,Phone,nombre,producto,Final result,Code,Attempts,Last attempt,Agent');
    expect(lines[4]).toBe('C4,3004445566,Rojas; Pedro,Libranza,Call back,callback,2,2026-03-05 09:00:00 -05:00,SIP/1002');
    const badFormat = await app.inject({ method: 'GET', url: `/api/campaigns/${campaign}/file?format=pdf`, headers: as('supervisor') });
    expect([badFormat.statusCode, badFormat.json().code]).toEqual([400, 'TABLERO_ERR_BAD_QUERY']);
  });
});

describe('training routes', () => {
  it.each([
    ['POST', '/api/qa/training', { agent: 'ana', test: 'Producto', date: '2026-03-10', score: 80, pass_mark: 70 }, { anon: 401, admin: 200, manager: 200, supervisor: 403, qa_analyst: 200 }],
    ['GET', '/api/qa/training?month=2026-03', undefined, { anon: 401, admin: 200, manager: 200, supervisor: 200, qa_analyst: 200 }],
  ] as const)('%s %s by role', async (method, url, payload, expected) => {
    for (const [who, status] of Object.entries(expected) as Array<[Who, number]>) {
      const res = await app.inject({ method, url, headers: as(who), ...(payload === undefined ? {} : { payload }) });
      expect([who, res.statusCode]).toEqual([who, status]);
    }
  });

  it('refuses a bad result with its reason', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/qa/training', headers: as('qa_analyst'), payload: { agent: 'ana', test: 'Producto', date: '2026-03-10', score: 180, pass_mark: 70 } });
    expect([res.statusCode, res.json().code, res.json().message]).toEqual([400, 'TABLERO_ERR_QA_INVALID', 'bad_score']);
  });

  it('imports a CSV, and a supervisor sees the agents of their team only', async () => {
    const csv = ['agent,test,date,score,pass_mark', 'ana,Normativa,2026-03-12,65,70', 'beto,Producto,2026-03-12,90,70', 'beto,Producto,2026-03-40,90,70', 'ana,Producto,2026-02-20,70,70'].join('\n');
    const imp = await app.inject({ method: 'POST', url: '/api/qa/training/import', headers: as('qa_analyst'), payload: { csv } });
    expect(imp.json()).toEqual({ lines: 4, accepted: 3, new: 3, rejected: 1, reasons: [{ line: 4, reason: 'bad_date' }] });
    const teams = await app.inject({ method: 'PUT', url: '/api/qa/teams', headers: as('manager'), payload: { members: [{ agent: 'ana', team: 'Norte', supervisor: 'sofia' }, { agent: 'beto', team: 'Sur', supervisor: 'otro' }] } });
    expect(teams.statusCode).toBe(200);
    const all = (await app.inject({ method: 'GET', url: '/api/qa/training?month=2026-03', headers: as('manager') })).json() as { agents: Array<Record<string, unknown>> };
    expect(all.agents.map((a) => [a['agent'], a['team'], a['tests'], a['avg_score'], a['pass_rate_pct'], a['prev_avg_score'], a['trend'], a['below_pass_mark']])).toEqual([
      ['ana', 'Norte', 2, 72.5, 50, 70, 2.5, false],
      ['beto', 'Sur', 1, 90, 100, null, null, false],
    ]);
    const mine = (await app.inject({ method: 'GET', url: '/api/qa/training?month=2026-03', headers: as('supervisor') })).json() as { agents: Array<{ agent: string }> };
    expect(mine.agents.map((a) => a.agent)).toEqual(['ana']);
    const report = (await app.inject({ method: 'GET', url: '/api/qa/report?month=2026-03', headers: as('manager') })).json() as { training: { teams: Array<Record<string, unknown>> } };
    expect(report.training.teams.map((t) => [t['team'], t['tests'], t['avg_score'], t['pass_rate_pct']])).toEqual([['Norte', 2, 72.5, 50], ['Sur', 1, 90, 100]]);
  });
});
