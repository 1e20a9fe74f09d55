// The report routes of the dashboard on the real processor reports and embedded ClickHouse:
// who may export, close a month, see runs and edit schedules (managers and admins; a schedule's
// folder is held inside the server's exports folder), the file download headers and bytes, and the
// errors with their stable codes.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../dashboard/server/app.ts';
import { captureLog, login, seedUsers, SECRET, TestBus, type LoggedIn } from '../../dashboard/server/testing/support.ts';
import type { Role } from '../../dashboard/server/core/roles.ts';
import type { DashboardDeps } from '../../dashboard/server/types.ts';
import { NOW_MS, seedOctober } from '../../processor/src/reports/testing/month-fixture.ts';
import { reportsPort } from '../../src/commands/export.ts';
import { freshClickHouse } from '../support/clickhouse.ts';

const GOLDEN = fileURLToPath(new URL('../../processor/src/reports/testdata/october-2026-es.csv', import.meta.url));

let ch: Awaited<ReturnType<typeof freshClickHouse>>;
let app: Awaited<ReturnType<typeof buildApp>>;
const sessions = new Map<Role, LoggedIn>();
const ROLES: Role[] = ['admin', 'manager', 'supervisor', 'qa_analyst'];
const USER: Record<Role, string> = { admin: 'ana', manager: 'mario', supervisor: 'sofia', qa_analyst: 'quique' };

function deps(over: Partial<DashboardDeps> = {}): DashboardDeps {
  const log = captureLog().log;
  return {
    bus: new TestBus(),
    ch,
    log,
    now: () => NOW_MS,
    queryKpis: async () => [],
    exports: reportsPort(ch, log, 'default', 'UTC', '/var/lib/tablero/exports'),
    ...over,
  };
}

beforeAll(async () => {
  ch = await freshClickHouse();
  await seedUsers(ch);
  await seedOctober(ch);
  app = await buildApp(deps(), { sessionSecret: SECRET });
  for (const r of ROLES) sessions.set(r, await login(app, USER[r]));
});
afterAll(async () => {
  await app?.close();
  await ch?.dispose();
});

function as(role: Role, csrf = true): Record<string, string> {
  const s = sessions.get(role) as LoggedIn;
  return csrf ? { cookie: s.cookie, 'x-csrf-token': s.csrf } : { cookie: s.cookie };
}

describe('GET /api/exports/monthly', () => {
  it('GET /api/exports/mail says whether scheduled files can be e-mailed, never the password', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/exports/mail', headers: as('manager', false) })).json()).toEqual({ configured: false });
    expect((await app.inject({ method: 'GET', url: '/api/exports/mail', headers: as('supervisor', false) })).statusCode).toBe(403);
    const smtp = { host: 'smtp.example.com', port: 587, tls: 'starttls' as const, user: 'tablero', password: 'secreto-smtp', from: 'informes@example.com' };
    const withMail = await buildApp(deps({ exports: reportsPort(ch, captureLog().log, 'default', 'UTC', '/var/lib/tablero/exports', smtp) }), { sessionSecret: SECRET });
    try {
      const s = await login(withMail, 'mario');
      const res = await withMail.inject({ method: 'GET', url: '/api/exports/mail', headers: { cookie: s.cookie } });
      expect(res.json()).toEqual({ configured: true, host: 'smtp.example.com', port: 587, tls: 'starttls', from: 'informes@example.com', auth: true });
      expect(res.body).not.toContain('secreto-smtp');
    } finally {
      await withMail.close();
    }
  });

  it.each<[Role, number]>([
    ['admin', 200],
    ['manager', 200],
    ['supervisor', 403],
    ['qa_analyst', 403],
  ])('%s -> %i', async (role, status) => {
    const res = await app.inject({ method: 'GET', url: '/api/exports/monthly?month=2026-10&format=csv&lang=es', headers: as(role, false) });
    expect(res.statusCode).toBe(status);
    if (status === 403) expect(res.json()).toEqual({ code: 'TABLERO_ERR_FORBIDDEN', message: 'your role may not use /api/exports/monthly' });
  });

  it('needs a session', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/exports/monthly?month=2026-10&format=csv' });
    expect(res.statusCode).toBe(401);
  });

  it('streams the golden CSV as an attachment', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/exports/monthly?month=2026-10&format=csv&lang=es', headers: as('manager', false) });
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="tablero-default-2026-10.csv"');
    expect(res.headers['x-tablero-month']).toBe('open');
    expect(res.headers['x-tablero-data-changed']).toBe('false');
    expect(res.rawPayload.equals(readFileSync(GOLDEN))).toBe(true);
  });

  it('serves XLSX and PDF with their types; one queue; English', async () => {
    const x = await app.inject({ method: 'GET', url: '/api/exports/monthly?month=2026-10&format=xlsx&queue=102&lang=en', headers: as('admin', false) });
    expect(x.statusCode).toBe(200);
    expect(x.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(x.rawPayload.subarray(0, 2).toString('latin1')).toBe('PK');
    const p = await app.inject({ method: 'GET', url: '/api/exports/monthly?month=2026-10&format=pdf', headers: as('admin', false) });
    expect(p.headers['content-disposition']).toBe('attachment; filename="tablero-default-2026-10.pdf"');
    expect(p.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it.each<[string, string]>([
    ['month=2026-13&format=csv', 'bad query parameter month: must be YYYY-MM'],
    ['format=csv', 'bad query parameter month: must be YYYY-MM'],
    ['month=2026-10&format=docx', 'bad query parameter format: must be one of csv, xlsx, pdf'],
    ['month=2026-10&lang=pt', 'bad query parameter lang: must be es or en'],
    ['month=2026-10&format=csv&sep=%7C', "bad query parameter sep: must be ';' or ','"],
    ['month=2026-10&colour=red', 'bad query parameter colour: unknown parameter'],
  ])('rejects %s', async (qs, message) => {
    const res = await app.inject({ method: 'GET', url: `/api/exports/monthly?${qs}`, headers: as('admin', false) });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ code: 'TABLERO_ERR_BAD_QUERY', message });
  });
});

describe('closing a month', () => {
  it.each<[Role]>([['supervisor'], ['qa_analyst']])('%s may not close a month', async (role) => {
    const res = await app.inject({ method: 'POST', url: '/api/months/2026-10/close', headers: as(role) });
    expect(res.statusCode).toBe(403);
  });

  it('needs the CSRF header with a cookie session', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/months/2026-10/close', headers: as('manager', false) });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('TABLERO_ERR_CSRF');
  });

  it('refuses a month that is not over (409) and a bad month (400)', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/months/2026-11/close', headers: as('manager') });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ code: 'TABLERO_ERR_MONTH_NOT_OVER', message: '2026-11 is not over yet in America/La_Paz; a month can be closed once it has ended' });
    const bad = await app.inject({ method: 'POST', url: '/api/months/october/close', headers: as('manager') });
    expect(bad.statusCode).toBe(400);
  });

  it('a manager closes October; exports then say closed; the list shows it', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/months/2026-10/close', headers: as('manager') });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ site: 'default', month: '2026-10', version: 1, fingerprint: '16-a87bb3cc617ca6bd', stints: 16, queues: 2 });
    const months = await app.inject({ method: 'GET', url: '/api/months', headers: as('admin', false) });
    expect(months.json()).toEqual([{ month: '2026-10', version: 1, closed_at_ms: NOW_MS, closed_by: 'mario', fingerprint: '16-a87bb3cc617ca6bd', stints: 16, live_fingerprint: '16-a87bb3cc617ca6bd', data_changed: false }]);
    expect((await app.inject({ method: 'GET', url: '/api/months', headers: as('supervisor', false) })).statusCode).toBe(403);
    const csv = await app.inject({ method: 'GET', url: '/api/exports/monthly?month=2026-10&format=csv&lang=es', headers: as('manager', false) });
    expect(csv.headers['x-tablero-month']).toBe('closed');
    expect(csv.body).toContain('Estado del mes;Mes cerrado el 2026-11-02 08:00:00 -04:00 por mario (versión 1): cifras congeladas al cierre');
  });
});

describe('schedules and runs', () => {
  const spec = { every: 'monthly', day_of_month: 1, at: '06:00', formats: ['xlsx', 'pdf'], folder: '/var/lib/tablero/exports/reports' };

  it('managers and admins edit schedules; supervisors and QA analysts may not', async () => {
    for (const role of ['supervisor', 'qa_analyst'] as const) {
      const denied = await app.inject({ method: 'PUT', url: '/api/exports/schedules/board', headers: as(role), payload: spec });
      expect([role, denied.statusCode]).toEqual([role, 403]);
    }
    // A manager creates it paused (the folder rule holds for managers too); an admin then turns it on.
    const managerOutside = await app.inject({ method: 'PUT', url: '/api/exports/schedules/board', headers: as('manager'), payload: { ...spec, folder: '/etc/cron.d' } });
    expect(managerOutside.statusCode).toBe(400);
    const byManager = await app.inject({ method: 'PUT', url: '/api/exports/schedules/board', headers: as('manager'), payload: { ...spec, enabled: false } });
    expect(byManager.statusCode).toBe(200);
    expect(byManager.json()).toMatchObject({ id: 'board', enabled: false });
    const ok = await app.inject({ method: 'PUT', url: '/api/exports/schedules/board', headers: as('admin'), payload: spec });
    expect(ok.statusCode).toBe(200);
    const saved = {
      id: 'board', enabled: true, every: 'monthly', day_of_month: 1, at: '06:00', tz: 'UTC', site: 'default', queues: [], formats: ['xlsx', 'pdf'],
      lang: 'es', sep: ';', folder: '/var/lib/tablero/exports/reports', email_to: [],
    };
    expect(ok.json()).toEqual(saved);
    const list = await app.inject({ method: 'GET', url: '/api/exports/schedules', headers: as('manager', false) });
    expect(list.json()).toEqual([saved]);
    const bad = await app.inject({ method: 'PUT', url: '/api/exports/schedules/board', headers: as('admin'), payload: { ...spec, folder: 'relative' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ code: 'TABLERO_ERR_BAD_REQUEST', message: 'invalid export schedule: bad_field:folder' });
    // Another absolute folder: refused with the reason (issue 14: a schedule could write anywhere the server may).
    const outside = await app.inject({ method: 'PUT', url: '/api/exports/schedules/board', headers: as('admin'), payload: { ...spec, folder: '/etc/cron.d' } });
    expect(outside.statusCode).toBe(400);
    expect(outside.json()).toEqual({
      code: 'TABLERO_ERR_BAD_REQUEST',
      message: 'invalid export schedule: folder_outside_exports (the folder must be /var/lib/tablero/exports or a folder inside it; set by TABLERO_EXPORTS_DIR)',
    });
  });

  it.each<[Role, number]>([
    ['admin', 200],
    ['manager', 200],
    ['supervisor', 403],
    ['qa_analyst', 403],
  ])('GET /api/exports/runs as %s -> %i', async (role, status) => {
    const res = await app.inject({ method: 'GET', url: '/api/exports/runs', headers: as(role, false) });
    expect(res.statusCode).toBe(status);
    if (status === 200) expect(res.json()).toEqual([]);
  });
});

describe('without the reports port', () => {
  it('answers 503 with a stable code', async () => {
    const bare = await buildApp(deps({ exports: undefined }), { sessionSecret: SECRET });
    try {
      const s = await login(bare, 'ana');
      const res = await bare.inject({ method: 'GET', url: '/api/exports/monthly?month=2026-10', headers: { cookie: s.cookie } });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ code: 'TABLERO_ERR_EXPORTS_UNAVAILABLE', message: 'exports are not available in this process' });
    } finally {
      await bare.close();
    }
  });
});
