// Issue 14 input rules through the real app and an embedded ClickHouse: bodies of
// POST /ingest/tickets and /ingest/surveys that are not valid UTF-8 are refused (never decoded
// with U+FFFD), and every bad query parameter of the QA and escalation routes answers 400
// TABLERO_ERR_BAD_QUERY naming it (never 500).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createQualityService } from '@tablero/processor/quality';
import { buildApp } from '../app.ts';
import { sha256Hex } from '../store/auth-store.ts';
import { SECRET, TestBus, captureLog, login, openTestDb, seedUsers, type LoggedIn, type TestDb } from '../testing/support.ts';
import type { EscalationsPort } from './escalations.ts';

const SOURCE_TOKEN = 'crm-token';
let db: TestDb;
let app: FastifyInstance;
let admin: LoggedIn;
const surveys: string[] = [];
const tickets: unknown[] = [];

const port: EscalationsPort = {
  defaultSite: 'lpz',
  sites: async () => ['lpz'],
  snapshot: async () => { throw new Error('not called'); },
  ticket: async () => null,
  byCall: async () => [],
  monthly: async () => { throw new Error('not called'); },
  settings: async () => ({}),
  saveSettings: async () => ({ ok: true, version: 1 }),
  holidays: () => [],
  push: async (req) => (tickets.push(req.body), { accepted: 1, rejected: 0, rejections: [] }),
};

beforeAll(async () => {
  db = await openTestDb();
  await seedUsers(db.ch);
  const log = captureLog().log;
  const quality = createQualityService({ ch: db.ch, log, tz: 'America/La_Paz' });
  app = await buildApp(
    { bus: new TestBus(), ch: db.ch, log, queryKpis: async () => [], quality, escalations: port, pushSurveys: async (req) => (surveys.push(req.body), { accepted: 1, rejected: 0 }) },
    { sessionSecret: SECRET, sourceTokens: { [sha256Hex(SOURCE_TOKEN)]: { site: 'lpz', name: 'crm' } } },
  );
  admin = await login(app, 'ana');
});

afterAll(async () => {
  await app?.close();
  await db?.cleanup();
});

const BAD_UTF8 = { code: 'TABLERO_ERR_BAD_UTF8', message: 'the body is not valid UTF-8; send it as UTF-8 (nothing was stored)' };

describe('push bodies must be valid UTF-8', () => {
  const push = (url: string, type: string, payload: Buffer) =>
    app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${SOURCE_TOKEN}`, 'content-type': type }, payload });

  it('refuses a survey body with a Latin-1 byte, takes the same body in UTF-8', async () => {
    const bad = await push('/ingest/surveys', 'text/csv', Buffer.from('callid,ts,calidad\nc1,1772400000,5 Jos\xe9\n', 'latin1'));
    expect([bad.statusCode, bad.json()]).toEqual([400, BAD_UTF8]);
    expect(surveys).toEqual([]);
    const good = await push('/ingest/surveys', 'text/csv', Buffer.from('callid,ts,calidad\nc1,1772400000,5 José\n', 'utf8'));
    expect([good.statusCode, good.json()]).toEqual([200, { accepted: 1, rejected: 0 }]);
    expect(surveys).toEqual(['callid,ts,calidad\nc1,1772400000,5 José\n']);
  });

  it('refuses a ticket body with a truncated UTF-8 sequence, takes the same body in UTF-8', async () => {
    const json = (note: string) => JSON.stringify([{ ticket_id: 'T1', event: 'closed', time: 1772464500, note }]);
    const bytes = Buffer.from(json('Jos\u00e9'), 'utf8');
    const cut = Buffer.concat([bytes.subarray(0, bytes.indexOf(0xc3) + 1), bytes.subarray(bytes.indexOf(0xc3) + 2)]);
    const bad = await push('/ingest/tickets', 'application/json', cut);
    expect([bad.statusCode, bad.json()]).toEqual([400, BAD_UTF8]);
    expect(tickets).toEqual([]);
    const good = await push('/ingest/tickets', 'application/json', bytes);
    expect([good.statusCode, good.json()]).toEqual([200, { accepted: 1, rejected: 0, rejections: [] }]);
    expect(tickets).toEqual([[{ ticket_id: 'T1', event: 'closed', time: 1772464500, note: 'José' }]]);
  });
});

const bq = (param: string, reason: string) => ({ code: 'TABLERO_ERR_BAD_QUERY', message: `bad query parameter ${param}: ${reason}` });
const MONTHS = 'must be a month of the years 2000 to 2099';

// [path, expected answer]: status 400 for every row.
const badQueries: Array<[string, { code: string; message: string }]> = [
  ['/api/qa/surveys', bq('from', 'give month=YYYY-MM, or from and to in epoch seconds')],
  ['/api/qa/surveys?from=1772400000', bq('to', 'give month=YYYY-MM, or from and to in epoch seconds')],
  ['/api/qa/surveys?from=1772400000&to=1772400000', bq('to', 'must be after from')],
  ['/api/qa/surveys?from=-1&to=5', bq('from', 'must be a whole number from 0 to 4294967295')],
  ['/api/qa/surveys?from=abc&to=5', bq('from', 'must be a whole number from 0 to 4294967295')],
  ['/api/qa/surveys?from=0&to=4294967296', bq('to', 'must be a whole number from 0 to 4294967295')],
  ['/api/qa/surveys?from=1&from=2&to=5', bq('from', 'give it once')],
  ['/api/qa/surveys?month=2026-3', bq('month', 'must be YYYY-MM')],
  ['/api/qa/surveys?month=1999-12', bq('month', MONTHS)],
  ['/api/qa/surveys?month=2026-01&month=2026-02', bq('month', 'give it once')],
  ['/api/qa/calls?month=2026-03&limit=0', bq('limit', 'must be a whole number from 1 to 500')],
  ['/api/qa/calls?month=2026-03&limit=501', bq('limit', 'must be a whole number from 1 to 500')],
  ['/api/qa/calls?month=2026-03&limit=1.5', bq('limit', 'must be a whole number from 1 to 500')],
  [`/api/qa/calls?month=2026-03&agent=${'a'.repeat(201)}`, bq('agent', 'at most 200 characters')],
  ['/api/qa/calls?month=2026-03&queue=1&queue=2', bq('queue', 'give it once')],
  ['/api/qa/calls/c1?site=a&site=b', bq('site', 'give it once')],
  ['/api/qa/agents/Ana/results?from=5&to=4', bq('to', 'must be after from')],
  ['/api/qa/report?month=0000-01', bq('month', MONTHS)],
  ['/api/qa/report/file?month=2026-13-01', bq('month', 'must be YYYY-MM')],
  ['/api/qa/report/file?month=2026-03&format=csv', bq('format', 'must be one of xlsx, pdf')],
  ['/api/qa/report/file?month=2026-03&lang=fr', bq('lang', 'must be es or en')],
  ['/api/escalations?site=a%20b', bq('site', 'letters, digits, _ or -')],
  ['/api/escalations?site=a&site=b', bq('site', 'give it once')],
  ['/api/escalations?sort=x', bq('sort', 'unknown parameter')],
  ['/api/escalations/tickets/T1?site=../x', bq('site', 'letters, digits, _ or -')],
  ['/api/escalations/by-call', bq('callid', 'required, 1-200 characters')],
  [`/api/escalations/by-call?callid=${'1'.repeat(201)}`, bq('callid', 'required, 1-200 characters')],
  ['/api/escalations/monthly', bq('month', 'must be YYYY-MM')],
  ['/api/escalations/monthly?month=9999-12', bq('month', MONTHS)],
  ['/api/escalations/settings?site=', bq('site', 'letters, digits, _ or -')],
  ['/api/escalations/holidays?country=CO', bq('year', 'YYYY')],
  ['/api/escalations/holidays?country=CO&year=1999', bq('year', 'a year from 2000 to 2099')],
  ['/api/escalations/holidays?country=CO&year=2026&x=1', bq('x', 'unknown parameter')],
];

describe('bad query parameters of the QA and escalation routes', () => {
  it.each(badQueries)('GET %s', async (url, body) => {
    const res = await app.inject({ method: 'GET', url, headers: { cookie: admin.cookie } });
    expect([res.statusCode, res.json()]).toEqual([400, body]);
  });
});
