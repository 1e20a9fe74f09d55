// GET /api/qa/report/file through the real app, the real quality service on embedded ClickHouse
// and the processor's real report writers: who may download, the file, and typed errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { execFileSync } from 'node:child_process';
import { createQualityService } from '@tablero/processor/quality';
import { renderQualityReport } from '@tablero/processor/reports';
import { buildApp } from '../app.ts';
import { SECRET, TestBus, captureLog, login, openTestDb, seedUsers, type LoggedIn, type TestDb } from '../testing/support.ts';
import type { Role } from '../core/roles.ts';

let db: TestDb;
let app: FastifyInstance;
let bare: FastifyInstance;
const sessions = new Map<Role, LoggedIn>();

function as(role: Role): Record<string, string> {
  const s = sessions.get(role) as LoggedIn;
  return { cookie: s.cookie, 'x-csrf-token': s.csrf };
}

beforeAll(async () => {
  db = await openTestDb();
  await seedUsers(db.ch);
  const log = captureLog().log;
  const quality = createQualityService({ ch: db.ch, log, tz: 'America/La_Paz' });
  const deps = { bus: new TestBus(), ch: db.ch, log, queryKpis: async () => [], quality };
  app = await buildApp({ ...deps, qualityReports: { render: renderQualityReport } }, { sessionSecret: SECRET });
  bare = await buildApp(deps, { sessionSecret: SECRET });
  for (const [role, user] of [['admin', 'ana'], ['manager', 'mario'], ['supervisor', 'sofia'], ['qa_analyst', 'quique']] as const) sessions.set(role, await login(app, user));
  const teams = await app.inject({ method: 'PUT', url: '/api/qa/teams', headers: as('manager'), payload: { members: [{ agent: 'Ana', team: 'Reclamos', supervisor: 'sofia' }] } });
  expect(teams.statusCode).toBe(200);
});

afterAll(async () => {
  await app?.close();
  await bare?.close();
  await db?.cleanup();
});

describe('GET /api/qa/report/file', () => {
  it('lets managers, admins and analysts download, not supervisors', async () => {
    for (const [role, status] of [['admin', 200], ['manager', 200], ['qa_analyst', 200], ['supervisor', 403]] as const) {
      const res = await app.inject({ method: 'GET', url: '/api/qa/report/file?month=2026-03&format=pdf', headers: as(role) });
      expect([role, res.statusCode]).toEqual([role, status]);
    }
  });

  it('answers the PDF with the agents of the month and an attachment name', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/qa/report/file?month=2026-03&format=pdf&lang=en', headers: as('manager') });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe('attachment; filename="quality-report-2026-03.pdf"');
    const text = execFileSync('pdftotext', ['-layout', '-', '-'], { input: res.rawPayload, encoding: 'utf8' }).replace(/\s+/g, ' ');
    // Ana has a team but no sample and no evaluations: the default target (4), nothing done.
    expect(text).toContain('Ana Reclamos 4 0 0.00 - - - - - 0');
    const xlsx = await app.inject({ method: 'GET', url: '/api/qa/report/file?month=2026-03', headers: as('manager') });
    // The default format is XLSX (a ZIP), in the session's language.
    expect([xlsx.headers['content-disposition'], xlsx.rawPayload.subarray(0, 2).toString('latin1')]).toEqual(['attachment; filename="informe-calidad-2026-03.xlsx"', 'PK']);
  });

  it('answers typed errors for a bad month or format, and 503 without the writers', async () => {
    const month = await app.inject({ method: 'GET', url: '/api/qa/report/file?month=2026-3', headers: as('manager') });
    expect([month.statusCode, month.json()]).toEqual([400, { code: 'TABLERO_ERR_BAD_QUERY', message: 'bad query parameter month: must be YYYY-MM' }]);
    const format = await app.inject({ method: 'GET', url: '/api/qa/report/file?month=2026-03&format=csv', headers: as('manager') });
    expect([format.statusCode, format.json()]).toEqual([400, { code: 'TABLERO_ERR_BAD_QUERY', message: 'bad query parameter format: must be one of xlsx, pdf' }]);
    const s = await login(bare, 'mario');
    const none = await bare.inject({ method: 'GET', url: '/api/qa/report/file?month=2026-03', headers: { cookie: s.cookie } });
    expect([none.statusCode, none.json().code]).toEqual([503, 'TABLERO_ERR_QA_UNAVAILABLE']);
  });
});
