// The audit trail of every administrative change (issue 17) through the real dashboard app, the
// real processor services (settings, quality, escalations, monthly reports) and an embedded
// ClickHouse with the real migrations:
// - the mutating /api/ routes are enumerated from the app and each must be covered by a case of
//   the table below (a new route without a case fails here; one without an audit declaration
//   fails at start);
// - one case per kind: who, when, from where, what, before and after, secrets never stored;
// - failed logins and lockouts; the CLI's changes (actor cli:<OS user>);
// - the page's read routes: filters, server paging, CSV/XLSX files read back, the users report;
// - immutability: every route of the app is tried against the stored rows, which stay as they were.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEscalationsApi } from '@tablero/processor';
import { createCampaignsService } from '@tablero/processor/campaigns';
import { createQualityService } from '@tablero/processor/quality';
import { TABLES } from '@tablero/sql';
import { buildApp } from '../../dashboard/server/app.ts';
import { allRoutes, auditedRoutes } from '../../dashboard/server/audit-trail.ts';
import { auditSourceTokens, listAudit, type AuditRow } from '../../dashboard/server/store/audit-store.ts';
import { captureLog, login, PASSWORD, seedUsers, SECRET, TestBus, type LoggedIn } from '../../dashboard/server/testing/support.ts';
import type { Role } from '../../dashboard/server/core/roles.ts';
import { NOW_MS, seedOctober } from '../../processor/src/reports/testing/month-fixture.ts';
import { contactsPort, settingsDeps } from '../../src/commands/compose.ts';
import { reportsPort } from '../../src/commands/export.ts';
import { quarterlyPort } from '../../src/commands/export-quarterly.ts';
import { freshClickHouse } from '../support/clickhouse.ts';
import { runTablero } from '../support/tablero-process.ts';

const FROM = '10.20.30.40';
const NEW_PASSWORD = 'caballo correcto bateria grapa';
const RESET_PASSWORD = 'reseteada por la administradora';
const FORM = {
  name: 'Monitoreo',
  bands: [{ label: 'todo', max: 100 }],
  sections: [{ id: 's', title: 'S', items: [{ id: 'greet', label: 'Saluda', type: 'yes_no' }] }],
};

let ch: Awaited<ReturnType<typeof freshClickHouse>>;
let app: Awaited<ReturnType<typeof buildApp>>;
let clock = NOW_MS;
const sessions = new Map<Role, LoggedIn>();
const USER: Record<Role, string> = { admin: 'ana', manager: 'mario', supervisor: 'sofia', qa_analyst: 'quique' };

beforeAll(async () => {
  ch = await freshClickHouse();
  await seedUsers(ch);
  await seedOctober(ch);
  await ch.client.insert({
    table: TABLES.stints,
    format: 'JSONEachRow',
    values: [{ stint_id: 'qa1', site: 'default', queue: '101', callid: 'qa-call', enter_ts: NOW_MS / 1000 - 86_400, end_ts: NOW_MS / 1000 - 86_000, outcome: 'answered', wait_s: 10, talk_s: 120, agent: 'Ana', caller: '70012345', transferred: false, enter_seen: true, end_event_id: 'qa-e1' }],
  });
  const log = captureLog().log;
  const escalations = createEscalationsApi(ch, { tz: 'UTC', defaultSite: 'default', now: () => clock });
  app = await buildApp(
    {
      bus: new TestBus(),
      ch,
      log,
      now: () => clock,
      queryKpis: async () => [],
      settings: settingsDeps(ch),
      quality: createQualityService({ ch, log, tz: 'UTC', now: () => clock }),
      escalations: { ...escalations, push: async () => ({ accepted: 0, rejected: 0, duplicates: 0 }) } as never,
      exports: reportsPort(ch, log, 'default', 'UTC', '/var/lib/tablero/exports'),
      quarterly: quarterlyPort(ch, log, 'default', 'UTC'),
      campaigns: createCampaignsService({ ch, log, tz: 'UTC', now: () => clock }),
      contacts: contactsPort(ch, { cfg: { siteTz: 'UTC' } as never, log, bus: new TestBus() as never, site: 'default' }),
    },
    { sessionSecret: SECRET, siteTz: 'America/Bogota' },
  );
  for (const r of ['admin', 'manager', 'qa_analyst'] as const) sessions.set(r, await login(app, USER[r]));
});
afterAll(async () => {
  await app?.close();
  await ch?.dispose();
});

function send(role: Role, method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) {
  clock += 1000;
  const s = sessions.get(role) as LoggedIn;
  return app.inject({ method, url, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, remoteAddress: FROM, ...(payload === undefined ? {} : { payload: payload as object }) });
}

/** The newest entry of an action. */
async function newest(action: string): Promise<AuditRow> {
  const row = (await listAudit(ch)).find((r) => r.action === action);
  if (!row) throw new Error(`no ${action} entry`);
  return row;
}

interface Case {
  /** `METHOD /url` as registered. */
  route: string;
  action: string;
  run: () => Promise<{ statusCode: number; body: string }>;
  entry: { actor: string; target: string; detail: Record<string, unknown> };
}

let formId = '';
let evaluationId = '';
let sessionId = '';
let kioskHash = '';
let campaignId = '';

/** One case per kind of change, run in order (later ones use what earlier ones made). */
const CASES: Case[] = [
  {
    route: 'POST /api/users', action: 'user_created',
    run: () => send('admin', 'POST', '/api/users', { username: 'nuevo', password: PASSWORD, role: 'supervisor', queues: ['102', '101'] }),
    entry: { actor: 'ana', target: 'nuevo', detail: { role: 'supervisor', before: null, after: { username: 'nuevo', role: 'supervisor', lang: 'es', queues: ['101', '102'], disabled: false } } },
  },
  {
    route: 'PATCH /api/users/:username', action: 'role_changed',
    run: () => send('admin', 'PATCH', '/api/users/nuevo', { role: 'manager' }),
    entry: { actor: 'ana', target: 'nuevo', detail: { from: 'supervisor', to: 'manager', before: { role: 'supervisor' }, after: { role: 'manager' }, ended_sessions: 0, closed_sockets: 0 } },
  },
  {
    route: 'PATCH /api/users/:username', action: 'user_queues_changed',
    run: () => send('admin', 'PATCH', '/api/users/nuevo', { queues: ['103'] }),
    entry: { actor: 'ana', target: 'nuevo', detail: { before: { queues: ['101', '102'] }, after: { queues: ['103'] }, ended_sessions: 0, closed_sockets: 0 } },
  },
  {
    route: 'PATCH /api/users/:username', action: 'password_reset',
    run: () => send('admin', 'PATCH', '/api/users/nuevo', { password: RESET_PASSWORD }),
    entry: { actor: 'ana', target: 'nuevo', detail: { ended_sessions: 0, closed_sockets: 0 } },
  },
  {
    route: 'PATCH /api/users/:username', action: 'user_disabled',
    run: () => send('admin', 'PATCH', '/api/users/nuevo', { disabled: true }),
    entry: { actor: 'ana', target: 'nuevo', detail: { before: { disabled: false }, after: { disabled: true }, ended_sessions: 0, closed_sockets: 0 } },
  },
  {
    route: 'PATCH /api/users/:username', action: 'user_enabled',
    run: () => send('admin', 'PATCH', '/api/users/nuevo', { disabled: false }),
    entry: { actor: 'ana', target: 'nuevo', detail: { before: { disabled: true }, after: { disabled: false }, ended_sessions: 0, closed_sockets: 0 } },
  },
  {
    route: 'PATCH /api/users/:username', action: 'user_lang_changed',
    run: () => send('admin', 'PATCH', '/api/users/nuevo', { lang: 'en' }),
    entry: { actor: 'ana', target: 'nuevo', detail: { before: { lang: 'es' }, after: { lang: 'en' }, ended_sessions: 0, closed_sockets: 0 } },
  },
  {
    route: 'DELETE /api/users/:username', action: 'user_removed',
    run: () => send('admin', 'DELETE', '/api/users/nuevo'),
    entry: { actor: 'ana', target: 'nuevo', detail: { before: { username: 'nuevo', role: 'manager', lang: 'en', disabled: false, queues: ['103'] }, after: null, ended_sessions: 0, closed_sockets: 0 } },
  },
  {
    route: 'PATCH /api/me', action: 'user_lang_changed',
    run: () => send('manager', 'PATCH', '/api/me', { lang: 'en' }),
    entry: { actor: 'mario', target: 'mario', detail: { before: { lang: 'es' }, after: { lang: 'en' } } },
  },
  {
    route: 'POST /api/me/password', action: 'password_changed',
    run: () => send('manager', 'POST', '/api/me/password', { current_password: PASSWORD, new_password: NEW_PASSWORD }),
    entry: { actor: 'mario', target: 'mario', detail: { ended_sessions: 0, closed_sockets: 0 } },
  },
  {
    route: 'POST /api/kiosk-tokens', action: 'kiosk_token_created',
    run: async () => {
      const res = await send('admin', 'POST', '/api/kiosk-tokens', { label: 'TV sala 2' });
      kioskHash = (res.json() as { hash: string }).hash;
      return res;
    },
    entry: { actor: 'ana', target: '{kiosk}', detail: { before: null, after: { label: 'TV sala 2', revoked: false, sites: [], queues: [] } } },
  },
  {
    route: 'DELETE /api/kiosk-tokens/:hash', action: 'kiosk_token_revoked',
    run: () => send('admin', 'DELETE', `/api/kiosk-tokens/${kioskHash}`),
    entry: { actor: 'ana', target: '{kiosk}', detail: { before: { label: 'TV sala 2', revoked: false }, after: { label: 'TV sala 2', revoked: true } } },
  },
  {
    route: 'POST /api/settings/queues', action: 'settings_saved',
    run: () => send('admin', 'POST', '/api/settings/queues', { site: 'default', queue: '101', patch: { threshold_s: 30 }, valid_from_ms: NOW_MS }),
    entry: { actor: 'ana', target: 'default/101', detail: { before: null, after: { site: 'default', queue: '101', patch: { threshold_s: 30 }, valid_from_ms: NOW_MS }, version: 1 } },
  },
  {
    route: 'POST /api/settings/calendars', action: 'calendar_saved',
    run: () => send('admin', 'POST', '/api/settings/calendars', { site: 'default', spec: { tz: 'America/Bogota', holidays: ['2026-12-25'] }, valid_from_ms: NOW_MS }),
    entry: { actor: 'ana', target: 'default', detail: { after: { site: 'default', spec: { tz: 'America/Bogota', holidays: ['2026-12-25'] }, valid_from_ms: NOW_MS } } },
  },
  {
    route: 'PUT /api/escalations/settings', action: 'escalation_settings_saved',
    run: () => send('admin', 'PUT', '/api/escalations/settings', { terms: { queja: 5 } }),
    entry: { actor: 'ana', target: 'default', detail: { after: { terms: { queja: 5 } }, version: 1 } },
  },
  {
    route: 'PUT /api/contacts/settings', action: 'contact_settings_saved',
    run: () => send('admin', 'PUT', '/api/contacts/settings', { settings: { chat: { threshold_s: 45 } }, valid_from_ms: NOW_MS }),
    entry: { actor: 'ana', target: 'default', detail: { before: { chat: { threshold_s: 30, basis: 'wall', strict: false } }, after: { settings: { chat: { threshold_s: 45 } }, valid_from_ms: NOW_MS }, version: 1 } },
  },
  {
    route: 'PUT /api/campaigns/settings', action: 'campaign_settings_saved',
    run: () => send('manager', 'PUT', '/api/campaigns/settings', { match_window_s: 900 }),
    entry: { actor: 'mario', target: 'campaigns', detail: { before: { match_window_s: 600 }, after: { match_window_s: 900 } } },
  },
  {
    route: 'POST /api/campaigns', action: 'campaign_created',
    run: async () => {
      const res = await send('manager', 'POST', '/api/campaigns', { name: 'Actualización de datos', start_date: '2026-11-02', end_date: '2026-11-06' });
      campaignId = (res.json() as { campaign_id: string }).campaign_id;
      return res;
    },
    entry: { actor: 'mario', target: '{campaign}', detail: { before: null, after: { campaign_id: '{campaign}', name: 'Actualización de datos', start_date: '2026-11-02', end_date: '2026-11-06' } } },
  },
  {
    route: 'PUT /api/campaigns/:id', action: 'campaign_changed',
    run: () => send('manager', 'PUT', `/api/campaigns/${campaignId}`, { name: 'Actualización de datos 2026', start_date: '2026-11-02', end_date: '2026-11-13' }),
    entry: { actor: 'mario', target: '{campaign}', detail: { before: { name: 'Actualización de datos', end_date: '2026-11-06' }, after: { name: 'Actualización de datos 2026', end_date: '2026-11-13' } } },
  },
  {
    route: 'POST /api/campaigns/:id/contacts', action: 'campaign_contacts_imported',
    run: () => send('manager', 'POST', `/api/campaigns/${campaignId}/contacts`, { csv: 'contact_id,phone\nC1,3001112233\nC2,12\n' }),
    entry: { actor: 'mario', target: '{campaign}', detail: { before: null, after: { lines: 2, accepted: 1, new: 1, rejected: 1 } } },
  },
  {
    route: 'POST /api/campaigns/:id/results', action: 'campaign_results_imported',
    run: () => send('manager', 'POST', `/api/campaigns/${campaignId}/results`, { csv: 'contact_id,result,at,agent\nC1,success,2026-11-03 10:00,Ana\n' }),
    entry: { actor: 'mario', target: '{campaign}', detail: { before: null, after: { lines: 1, accepted: 1, new: 1, rejected: 0 } } },
  },
  {
    route: 'POST /api/qa/training', action: 'training_score_saved',
    run: () => send('qa_analyst', 'POST', '/api/qa/training', { agent: 'Ana', test: 'Producto crédito', date: '2026-11-20', score: 85, pass_mark: 80 }),
    entry: { actor: 'quique', target: 'Ana/Producto crédito/2026-11-20', detail: { before: null, after: { agent: 'Ana', test: 'Producto crédito', date: '2026-11-20', score: 85, pass_mark: 80 } } },
  },
  {
    route: 'POST /api/qa/training/import', action: 'training_scores_imported',
    run: () => send('qa_analyst', 'POST', '/api/qa/training/import', { csv: 'agent,test,date,score,pass_mark\nLuis,Producto crédito,2026-11-20,70,80\nLuis,Producto crédito,2026-11-20,101,80\n' }),
    entry: { actor: 'quique', target: 'training', detail: { before: null, after: { lines: 2, accepted: 1, rejected: 1 } } },
  },
  {
    route: 'PUT /api/qa/settings', action: 'qa_settings_saved',
    run: () => send('admin', 'PUT', '/api/qa/settings', { target_per_agent: 3 }),
    entry: { actor: 'ana', target: 'qa', detail: { after: { target_per_agent: 3 } } },
  },
  {
    route: 'PUT /api/qa/teams', action: 'qa_teams_saved',
    run: () => send('manager', 'PUT', '/api/qa/teams', { members: [{ agent: 'Ana', team: 'A', supervisor: 'sofia' }] }),
    entry: { actor: 'mario', target: 'teams', detail: { before: [], after: { members: [{ agent: 'Ana', team: 'A', supervisor: 'sofia' }] } } },
  },
  {
    route: 'POST /api/qa/forms', action: 'qa_form_published',
    run: async () => {
      const res = await send('qa_analyst', 'POST', '/api/qa/forms', { spec: FORM });
      formId = (res.json() as { form_id: string }).form_id;
      return res;
    },
    entry: { actor: 'quique', target: '{form}/v1', detail: { before: null, after: { spec: FORM } } },
  },
  {
    route: 'POST /api/qa/forms/:formId/versions', action: 'qa_form_version_published',
    run: () => send('qa_analyst', 'POST', `/api/qa/forms/${formId}/versions`, { spec: { ...FORM, name: 'Monitoreo 2' } }),
    entry: { actor: 'quique', target: '{form}/v2', detail: { before: null, after: { formId: '{form}', spec: { ...FORM, name: 'Monitoreo 2' } } } },
  },
  {
    route: 'POST /api/qa/samples', action: 'qa_sample_drawn',
    run: () => send('qa_analyst', 'POST', '/api/qa/samples', { month: '2026-11', seed: 7 }),
    entry: { actor: 'quique', target: '2026-11', detail: { before: null, after: { month: '2026-11', seed: 7 } } },
  },
  {
    route: 'POST /api/qa/evaluations', action: 'qa_evaluation_submitted',
    run: async () => {
      const res = await send('qa_analyst', 'POST', '/api/qa/evaluations', { callid: 'qa-call', form_id: formId, answers: { greet: 0 } });
      evaluationId = (res.json() as { evaluation_id: string }).evaluation_id;
      return res;
    },
    entry: { actor: 'quique', target: '{evaluation}', detail: { before: null, after: { callid: 'qa-call', form_id: '{form}', answers: { greet: 0 } }, version: 1 } },
  },
  {
    route: 'PUT /api/qa/evaluations/:id', action: 'qa_evaluation_edited',
    run: () => send('qa_analyst', 'PUT', `/api/qa/evaluations/${evaluationId}`, { answers: { greet: 1 } }),
    entry: { actor: 'quique', target: '{evaluation}', detail: { version: 2 } },
  },
  {
    route: 'POST /api/qa/calibrations', action: 'qa_calibration_created',
    run: async () => {
      const res = await send('manager', 'POST', '/api/qa/calibrations', { callid: 'qa-call', form_id: formId, analysts: ['quique', 'ana'], reference_analyst: 'ana', deadline_ms: NOW_MS + 86_400_000 });
      sessionId = (res.json() as { session_id: string }).session_id;
      return res;
    },
    entry: { actor: 'mario', target: '{session}', detail: { before: null, after: { callid: 'qa-call', form_id: '{form}', analysts: ['quique', 'ana'], reference_analyst: 'ana', deadline_ms: NOW_MS + 86_400_000 } } },
  },
  {
    route: 'POST /api/qa/calibrations/:id/evaluations', action: 'qa_calibration_scored',
    run: () => send('qa_analyst', 'POST', `/api/qa/calibrations/${sessionId}/evaluations`, { answers: { greet: 1 } }),
    entry: { actor: 'quique', target: '{session}', detail: { before: null, after: { id: '{session}', answers: { greet: 1 } } } },
  },
  {
    route: 'POST /api/months/:month/close', action: 'month_closed',
    run: () => send('manager', 'POST', '/api/months/2026-10/close'),
    entry: { actor: 'mario', target: '2026-10', detail: { before: null } },
  },
  {
    route: 'POST /api/quarters/:quarter/close', action: 'quarter_closed',
    run: () => send('manager', 'POST', '/api/quarters/2026-Q3/close'),
    entry: { actor: 'mario', target: '2026-Q3', detail: { before: null, after: { site: 'default', quarter: '2026-Q3', version: 1, fingerprint: '0-e3b0c44298fc1c14', tickets: 0 } } },
  },
  {
    route: 'PUT /api/exports/schedules/:id', action: 'export_schedule_saved',
    run: () => send('manager', 'PUT', '/api/exports/schedules/board', { every: 'monthly', day_of_month: 1, at: '06:00', formats: ['xlsx'], folder: '/var/lib/tablero/exports/reports' }),
    entry: { actor: 'mario', target: 'board', detail: { before: null, after: { id: 'board', every: 'monthly', day_of_month: 1, at: '06:00', formats: ['xlsx'], folder: '/var/lib/tablero/exports/reports' } } },
  },
];

/** Routes that record their entries elsewhere in this file, or change nothing administrative. */
const COVERED_ELSEWHERE: Record<string, string> = {
  'POST /api/login': 'logins, failed logins and lockouts (below)',
  'POST /api/logout': 'logout (below)',
  'POST /api/qa/forms/:formId/versions/:version/score': 'exempt: a running score preview stores nothing',
};

const fill = (v: unknown): unknown =>
  JSON.parse(JSON.stringify(v).replaceAll('{kiosk}', kioskHash).replaceAll('{form}', formId).replaceAll('{evaluation}', evaluationId).replaceAll('{session}', sessionId).replaceAll('{campaign}', campaignId));

describe('every mutating route is audited', () => {
  it('the app lists its mutating /api/ routes and each has a case here (a new route fails this test)', () => {
    const routes = [...new Set(auditedRoutes(app).map((r) => `${r.method} ${r.url}`))].sort();
    const covered = [...new Set([...CASES.map((c) => c.route), ...Object.keys(COVERED_ELSEWHERE)])].sort();
    expect(routes).toEqual(covered);
    const exempt = auditedRoutes(app).filter((r) => typeof r.audit === 'object' && 'exempt' in r.audit).map((r) => `${r.method} ${r.url}`);
    expect(exempt).toEqual(['POST /api/qa/forms/:formId/versions/:version/score']);
  });

  it('a route that changes state without an audit declaration stops the app at start', async () => {
    const other = await buildApp({ bus: new TestBus(), ch, log: captureLog().log, now: () => clock, queryKpis: async () => [] }, { sessionSecret: SECRET });
    try {
      expect(() => other.post('/api/new-thing', { config: { access: ['admin'] } }, async () => ({}))).toThrow('route POST /api/new-thing changes state but declares no audit');
      expect(() => other.delete('/api/other-thing', { config: { access: ['admin'], audit: { action: 'user_removed' } } }, async () => ({}))).not.toThrow();
    } finally {
      await other.close();
    }
  });

  describe.each(CASES.map((c, i) => [`${i + 1}. ${c.route} -> ${c.action}`, c] as const))('%s', (_name, c) => {
    it('is recorded with who, when, from where, what, before and after', async () => {
      const res = await c.run();
      expect(res.statusCode, res.body).toBeLessThan(300);
      const row = await newest(c.action);
      expect({ actor: row.actor, action: row.action, target: row.target, address: row.address, at_ms: row.at_ms }).toEqual({
        ...(fill({ actor: c.entry.actor, target: c.entry.target }) as object),
        action: c.action,
        address: FROM,
        at_ms: clock,
      });
      expect(row.detail).toMatchObject(fill(c.entry.detail) as object);
    });
  });

  it('a refused change (4xx) records nothing', async () => {
    const before = (await listAudit(ch)).length;
    expect((await send('admin', 'POST', '/api/settings/queues', { site: 'default', queue: '101', patch: { threshold_s: -1 } })).statusCode).toBe(400);
    expect((await send('manager', 'PUT', '/api/escalations/settings', { terms: { queja: 5 } })).statusCode).toBe(403);
    expect((await listAudit(ch)).length).toBe(before);
  });

  it('never stores a password, in any entry', async () => {
    const text = JSON.stringify(await listAudit(ch, 100_000));
    for (const secret of [PASSWORD, NEW_PASSWORD, RESET_PASSWORD]) expect(text).not.toContain(secret);
  });
});

describe('sign-in', () => {
  it('records failed logins and the lockout they start, with the address, and a login and logout', async () => {
    const attempt = (password: string) => {
      clock += 1000;
      return app.inject({ method: 'POST', url: '/api/login', payload: { username: 'sofia', password }, remoteAddress: '10.66.0.1' });
    };
    for (let i = 0; i < 5; i++) expect((await attempt(`mala-${i}`)).statusCode).toBe(401);
    const rows = (await listAudit(ch)).filter((r) => r.address === '10.66.0.1');
    expect(rows.filter((r) => r.action === 'login_failed').map((r) => [r.actor, r.target, r.detail])).toEqual(Array(5).fill(['sofia', 'sofia', { via: 'login' }]));
    expect(rows.filter((r) => r.action === 'login_locked').map((r) => [r.target, (r.detail as { scope: string }).scope])).toEqual([['sofia', 'account']]);
    // Later, the right password: a login; then a logout.
    clock += 3_600_000;
    const ok = await app.inject({ method: 'POST', url: '/api/login', payload: { username: 'sofia', password: PASSWORD }, remoteAddress: '10.66.0.2' });
    expect(ok.statusCode).toBe(200);
    expect(await newest('login')).toMatchObject({ actor: 'sofia', target: 'sofia', address: '10.66.0.2' });
    const csrf = (ok.json() as { csrf: string }).csrf;
    const cookie = `tablero_session=${ok.cookies.find((c) => c.name === 'tablero_session')?.value}`;
    clock += 1000;
    expect((await app.inject({ method: 'POST', url: '/api/logout', headers: { cookie, 'x-csrf-token': csrf }, remoteAddress: '10.66.0.2' })).statusCode).toBe(204);
    expect(await newest('logout')).toMatchObject({ actor: 'sofia', target: 'sofia', address: '10.66.0.2', at_ms: clock });
  });
});

describe('source tokens (configuration, seen at start)', () => {
  it('records a change of the configured set with actor config, never the token', async () => {
    const a = { ['a'.repeat(64)]: { site: 'lpz', name: 'pbx1' } };
    expect(await auditSourceTokens(ch, a, clock)).toBe(true);
    expect(await auditSourceTokens(ch, a, clock + 1)).toBe(false);
    const b = { ['b'.repeat(64)]: { site: 'lpz', name: 'pbx2' } };
    expect(await auditSourceTokens(ch, b, clock + 2)).toBe(true);
    const row = await newest('source_tokens_changed');
    expect(row).toMatchObject({
      actor: 'config', target: 'TABLERO_SOURCE_TOKENS', address: '',
      detail: { before: { sources: ['lpz:pbx1#aaaaaaaaaaaa'] }, after: { sources: ['lpz:pbx2#bbbbbbbbbbbb'] }, added: ['lpz:pbx2#bbbbbbbbbbbb'], removed: ['lpz:pbx1#aaaaaaaaaaaa'] },
    });
  });
});

describe('the CLI', () => {
  it('records user add, user queues, user remove, kiosk create and revoke as cli:<OS user>; tablero audit reads them back', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tablero-audit-cli-'));
    try {
      const cli = async (args: string[], stdin = ''): Promise<string> => {
        const r = await runTablero(args, { dataDir, stdin });
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
        return r.stdout;
      };
      await cli(['user', 'add', 'cli-user', '--role', 'supervisor'], PASSWORD);
      await cli(['user', 'queues', 'cli-user', '101']);
      const kiosk = /kiosk=([^#\s]+)#/.exec(await cli(['kiosk', 'create', 'TV CLI']))?.[1] as string;
      await cli(['kiosk', 'revoke', '--', kiosk]);
      await cli(['user', 'remove', 'cli-user']);
      const csv = await cli(['audit', '--lang', 'en']);
      const me = `cli:${userInfo().username}`;
      const rows = csv.replace(/^\uFEFF/, '').trimEnd().split('\r\n').slice(2).map((l) => l.split(',').slice(1, 6));
      const hash = createHash('sha256').update(kiosk).digest('hex');
      expect(rows).toEqual([
        [me, 'user_created', 'User created', 'cli-user', ''],
        [me, 'user_queues_changed', 'User queues changed', 'cli-user', ''],
        [me, 'kiosk_token_created', 'Kiosk link created', hash, ''],
        [me, 'kiosk_token_revoked', 'Kiosk link revoked', hash, ''],
        [me, 'user_removed', 'User removed', 'cli-user', ''],
      ]);
      const users = await cli(['audit', '--users', '--lang', 'en']);
      expect(users.replace(/^\uFEFF/, '').trimEnd().split('\r\n').slice(2).map((l) => l.split(',')[2])).toEqual(['user_created', 'user_queues_changed', 'user_removed']);
      expect(csv).not.toContain(PASSWORD);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});

describe('GET /api/audit (admins)', () => {
  const get = (url: string, role: Role = 'admin') => {
    const s = sessions.get(role) as LoggedIn;
    return app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });
  };

  it('is for admins only', async () => {
    expect((await get('/api/audit', 'manager')).statusCode).toBe(403);
    expect((await get('/api/audit/file?format=csv', 'qa_analyst')).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/audit' })).statusCode).toBe(401);
  });

  it('filters by actor, action and target, pages on the server, newest first', async () => {
    const all = await get('/api/audit?actor=ana&action=user_created,user_removed,role_changed&target=NUEVO&size=2');
    expect(all.statusCode, all.body).toBe(200);
    const first = all.json() as { total: number; page: number; size: number; rows: AuditRow[] };
    expect([first.total, first.page, first.size]).toEqual([3, 1, 2]);
    expect(first.rows.map((r) => r.action)).toEqual(['user_removed', 'role_changed']);
    const second = (await get('/api/audit?actor=ana&action=user_created,user_removed,role_changed&target=NUEVO&size=2&page=2')).json() as { rows: AuditRow[] };
    expect(second.rows.map((r) => r.action)).toEqual(['user_created']);
    expect((await get('/api/audit?action=nope')).json()).toEqual({ code: 'TABLERO_ERR_BAD_QUERY', message: 'bad query parameter action: unknown action nope' });
  });

  it('filters by period in the site time zone (America/Bogota, UTC-5)', async () => {
    // NOW_MS is 2026-11-02 12:00 UTC = 07:00 in Bogotá: every case happened on 2026-11-02 local.
    const day = (await get('/api/audit?from=2026-11-02&to=2026-11-02&action=user_created')).json() as { total: number };
    expect(day.total).toBe(1);
    const before = (await get('/api/audit?to=2026-11-01&action=user_created')).json() as { total: number };
    expect(before.total).toBe(0);
  });

  it('exports the filtered entries as CSV and XLSX, read back', async () => {
    const csv = await get('/api/audit/file?format=csv&lang=es&action=role_changed');
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = csv.body.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('Registro de auditoría');
    expect(lines[1]).toBe('Fecha y hora;Quién;Código de acción;Acción;Sobre qué;Desde (dirección);Antes;Después;Otros datos');
    const role = (await newest('role_changed'));
    const local = new Date(role.at_ms - 5 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
    expect(lines.slice(2)).toEqual([
      `${local};ana;role_changed;Rol cambiado;nuevo;${FROM};"{""role"":""supervisor""}";"{""role"":""manager""}";"{""from"":""supervisor"",""to"":""manager"",""ended_sessions"":0,""closed_sockets"":0}"`,
    ]);
    const xlsx = await get('/api/audit/file?format=xlsx&lang=en&action=kiosk_token_created,kiosk_token_revoked');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ExcelJS.Buffer);
    const ws = wb.getWorksheet('Audit');
    expect(ws?.getCell(1, 1).value).toBe('Audit trail');
    expect(ws?.getRow(3).values).toEqual([undefined, 'Date and time', 'Who', 'Action code', 'Action', 'Target', 'From (address)', 'Before', 'After', 'Other facts']);
    const body = [4, 5, 6].map((r) => [ws?.getCell(r, 2).value, ws?.getCell(r, 3).value, ws?.getCell(r, 4).value, ws?.getCell(r, 5).value]);
    expect(body).toEqual([
      ['ana', 'kiosk_token_created', 'Kiosk link created', kioskHash],
      ['ana', 'kiosk_token_revoked', 'Kiosk link revoked', kioskHash],
      [null, null, null, null],
    ]);
  });

  it('the users report lists users created, changed and removed in the period, and nothing else', async () => {
    const res = await get('/api/audit/users-report?format=xlsx&lang=es&from=2026-11-01&to=2026-11-30');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ExcelJS.Buffer);
    const ws = wb.getWorksheet('Auditoría');
    expect(ws?.getCell(1, 1).value).toBe('Usuarios creados, modificados y eliminados 2026-11-01..2026-11-30');
    const actions: unknown[] = [];
    for (let r = 4; ws?.getCell(r, 3).value; r++) actions.push([ws.getCell(r, 2).value, ws.getCell(r, 3).value, ws.getCell(r, 5).value]);
    expect(actions).toEqual([
      ['ana', 'user_created', 'nuevo'],
      ['ana', 'role_changed', 'nuevo'],
      ['ana', 'user_queues_changed', 'nuevo'],
      ['ana', 'password_reset', 'nuevo'],
      ['ana', 'user_disabled', 'nuevo'],
      ['ana', 'user_enabled', 'nuevo'],
      ['ana', 'user_lang_changed', 'nuevo'],
      ['ana', 'user_removed', 'nuevo'],
      ['mario', 'user_lang_changed', 'mario'],
      ['mario', 'password_changed', 'mario'],
    ]);
    expect(res.headers['content-disposition']).toBe('attachment; filename="usuarios-2026-11-01-2026-11-30.xlsx"');
  });
});

describe('immutability', () => {
  it('no route of the app changes or deletes a stored entry: every route is tried, the rows stay as they were', async () => {
    const before = await listAudit(ch, 100_000);
    const target = before[before.length - 1] as AuditRow;
    const hostile = { id: target.id, action: 'login', actor: 'x', target: 'x', detail: '{}', at: 0, sql: 'ALTER TABLE audit_log DELETE WHERE 1' };
    const tried: string[] = [];
    const routes = [
      ...allRoutes(app),
      // What an audit API that allowed edits would look like: none of these exists.
      ...['PUT', 'PATCH', 'DELETE', 'POST'].flatMap((method) => [{ method, url: '/api/audit' }, { method, url: '/api/audit/:id' }]),
    ];
    for (const r of routes) {
      if (r.method === 'HEAD' || r.url === '/api/logout') continue;
      const url = r.url.replace(/:[A-Za-z]+/g, target.id).replace('*', 'x');
      const admin = sessions.get('admin') as LoggedIn;
      const res = await app.inject({
        method: r.method as 'GET',
        url: `${url}${url.includes('?') ? '&' : '?'}id=${target.id}`,
        headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { 'content-type': 'application/json' }) },
        ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { payload: JSON.stringify(hostile) }),
      });
      tried.push(`${r.method} ${r.url} ${res.statusCode}`);
      if (r.url.startsWith('/api/audit') && r.method !== 'GET') expect(res.statusCode, `${r.method} ${r.url}`).toBe(404);
    }
    expect(tried.length).toBeGreaterThan(60);
    const after = await listAudit(ch, 100_000);
    const byId = new Map(after.map((r) => [r.id, r]));
    for (const row of before) expect(byId.get(row.id)).toEqual(row);
    // The table has no mutations pending or done (ALTER ... DELETE/UPDATE).
    const mutations = await ch.client.query({ query: `SELECT count() AS n FROM system.mutations WHERE table = '${TABLES.auditLog}'`, format: 'JSONEachRow' });
    expect((await mutations.json<{ n: string | number }>()).map((r) => Number(r.n))).toEqual([0]);
  });
});
