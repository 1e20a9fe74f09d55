// The report, data quality, settings and user-admin routes against a real embedded
// ClickHouse with the real migrations. Rows are written to the processor's tables as the
// processor stores them; every figure is checked by exact value.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createStore } from '@tablero/processor';
import { supervisorSubject, type SupervisorMessage } from '@tablero/processor/contract';
import { TABLES } from '@tablero/sql';
import { queryAgentPerformance, queryWaitDistribution } from '@tablero/processor';
import { buildApp } from './app.ts';
import type { Role } from './core/roles.ts';
import { createUser } from './store/auth-store.ts';
import type { DashboardDeps, SaveResult, SettingsDeps } from './types.ts';
import { refusalDetails } from './routes/settings.ts';
import { PASSWORD, SECRET, TestBus, captureLog, login, openTestDb, seedUsers, type LoggedIn, type TestDb } from './testing/support.ts';

const TZ = 'America/La_Paz';
/** 2026-10-01 15:00 UTC = 11:00 in La Paz; the site's day began at 04:00 UTC. */
const NOW_S = Date.UTC(2026, 9, 1, 15) / 1000;
const QLOG = '/var/log/asterisk/queue_log';
const READ = { defaultTz: TZ, defaultSite: 'lpz', now: () => NOW_S * 1000 };

let db: TestDb;
let app: FastifyInstance;
const sessions = new Map<Role, LoggedIn>();
const saves: Array<{ kind: string; args: unknown }> = [];
let health: Record<string, unknown> = {};

const settings: SettingsDeps = {
  defaults: { formula: 'offered', threshold_s: 20 },
  list: async () => [{ site: 'lpz', queue: '101', version: 1, valid_from_ms: 5, patch: { threshold_s: 30 }, created_by: 'ana' }],
  save: async (v): Promise<SaveResult> => {
    saves.push({ kind: 'queue', args: v });
    return (v.patch as Record<string, unknown>)['threshold_s'] === -1 ? { ok: false, reason: 'invalid settings: bad_field:threshold_s' } : { ok: true, version: 2 };
  },
  calendars: async (atMs) => ({ lpz: { tz: TZ, at: atMs } }),
  saveCalendar: async (v): Promise<SaveResult> => {
    saves.push({ kind: 'calendar', args: v });
    return (v.spec as Record<string, unknown>)['tz'] === 'Mars/Base' ? { ok: false, reason: 'Invalid time zone specified: Mars/Base' } : { ok: true, version: 7 };
  },
  calendarVersions: async () => [{ site: 'lpz', version: 1, valid_from_ms: 9, spec: { tz: TZ, holidays: ['2026-12-25'] }, created_by: 'ana' }],
};

const bus = new TestBus();

function deps(over: Partial<DashboardDeps> = {}): DashboardDeps {
  return {
    bus,
    ch: db.ch,
    log: captureLog().log,
    now: () => NOW_S * 1000,
    queryKpis: async () => [],
    // The processor's read module over the same store, as the composition root wires it.
    reports: {
      waitDistribution: (q) => queryWaitDistribution(db.ch, q, READ),
      agents: (q) => queryAgentPerformance(db.ch, q, READ),
    },
    health: async () => health,
    settings,
    acceptedLines: (sinceS) => createStore(db.ch).acceptedLines(sinceS),
    ...over,
  };
}

let seq = 0;
function event(tsS: number, callid: string, queue: string, agent: string, verb: string, source = QLOG) {
  seq += 1;
  return {
    event_id: `fp1:${seq * 100}`, site: 'lpz', source, offset: seq * 100, ts: tsS, callid, queue, agent, verb, custom: false,
    wait_s: null, talk_s: null, ring_ms: null, position: null, orig_position: null, caller: '', info: '', data: [],
  };
}

function stint(id: string, queue: string, outcome: string, enterS: number, waitS: number | null, talkS: number | null, agent: string, caller: string) {
  return {
    stint_id: id, site: 'lpz', queue, callid: `c-${id}`, enter_ts: enterS, end_ts: enterS + (waitS ?? 0) + (talkS ?? 0), outcome,
    wait_s: waitS, talk_s: talkS, agent, caller, transferred: false, enter_seen: true, end_event_id: `e-${id}`,
  };
}

const FROM_S = Date.UTC(2026, 8, 30, 4) / 1000; // 2026-09-30 00:00 in La Paz

beforeAll(async () => {
  db = await openTestDb();
  await seedUsers(db.ch);
  await createUser(db.ch, { username: 'zoe', password: PASSWORD, role: 'supervisor' });
  const insert = (table: string, values: unknown[]) => db.ch.client.insert({ table, values, format: 'JSONEachRow' });
  // Accepted lines are counted by the processor's store (the dashboard reads no queue events).
  await createStore(db.ch).insertEvents([
    event(NOW_S - 13 * 3600, 'X', '102', 'SIP/203', 'ADDMEMBER'),
    event(NOW_S - 3600, 'X', '101', 'SIP/201', 'ADDMEMBER'),
    event(NOW_S - 3600, 'X', '101', 'SIP/202', 'ADDMEMBER'),
    event(NOW_S - 1800, 'NONE', '101', 'Beto', 'PAUSE'),
    event(NOW_S - 120, 'c1', '101', 'NONE', 'ENTERQUEUE'),
    event(NOW_S - 100, 'c1', '101', 'Ana', 'CONNECT'),
    event(NOW_S - 60, 'c2', '101', 'NONE', 'ENTERQUEUE'),
    event(NOW_S - 4000, 'c9', '101', 'NONE', 'ENTERQUEUE', 'push:pbx2'),
  ], 'events:reports-test');
  await insert(TABLES.stints, [
    stint('s1', '101', 'answered', NOW_S - 7200, 10, 100, 'Ana', '70000001'),
    stint('s2', '101', 'answered', NOW_S - 5000, 25, 201, 'Ana', '70000002'),
    stint('s3', '101', 'abandoned', NOW_S - 4000, 30, null, '', '70000003'),
    stint('s4', '101', 'answered', NOW_S - 3000, 5, null, 'Beto', '70000003'),
    stint('s5', '101', 'abandoned', NOW_S - 86_400, 50, null, '', '70000009'),
    stint('s6', '101', 'abandoned', NOW_S - 600, 10, null, '', ''),
    stint('s7', '102', 'timeout', NOW_S - 900, 70, null, '', '70000010'),
  ]);
  await insert(TABLES.agentPauses, [
    // One PAUSEALL stored once per queue: 1,000 s, counted once.
    { site: 'lpz', agent: 'Beto', queue: '101', reason: 'Almuerzo', start_ts: NOW_S - 9000, end_ts: NOW_S - 8000, end_reason: 'unpause' },
    { site: 'lpz', agent: 'Beto', queue: '102', reason: 'Almuerzo', start_ts: NOW_S - 9000, end_ts: NOW_S - 8000, end_reason: 'unpause' },
    // Straddles the start of the range: only the 50 s inside count.
    { site: 'lpz', agent: 'Ana', queue: '101', reason: '', start_ts: FROM_S - 100, end_ts: FROM_S + 50, end_reason: 'unpause' },
    { site: 'lpz', agent: 'Ana', queue: '101', reason: 'Baño', start_ts: NOW_S - 500, end_ts: NOW_S - 200, end_reason: 'unpause' },
  ]);
  await insert(TABLES.deadLetters, [
    { event_id: 'fp1:7', site: 'lpz', source: QLOG, offset: 7, line_no: 7, raw: '1790000000|x', reason: 'too_few_columns', rejected_at: NOW_S - 300 },
    { event_id: 'fp1:9', site: 'lpz', source: QLOG, offset: 9, line_no: 9, raw: '1790000001|y', reason: 'too_few_columns', rejected_at: NOW_S - 200 },
    { event_id: 'fp1:11', site: 'lpz', source: QLOG, offset: 11, line_no: 11, raw: 'abc|c|q|a|ENTERQUEUE', reason: 'bad_epoch', rejected_at: NOW_S - 100 },
    { event_id: 'fp1:13', site: 'lpz', source: QLOG, offset: 13, line_no: 13, raw: 'old', reason: 'bad_epoch', rejected_at: NOW_S - 3 * 86_400 },
    // The same line rejected the day before, in September (another partition of dead_letters),
    // then again when re-imported: FINAL collapses across partitions, so it counts once.
    { event_id: 'fp1:9', site: 'lpz', source: QLOG, offset: 9, line_no: 9, raw: '1790000001|y', reason: 'too_few_columns', rejected_at: NOW_S - 19 * 3600 },
  ]);
  app = await buildApp(deps(), { sessionSecret: SECRET, siteTz: TZ });
  for (const [role, user] of [['admin', 'ana'], ['manager', 'mario'], ['supervisor', 'sofia'], ['qa_analyst', 'quique']] as const) {
    sessions.set(role, await login(app, user));
  }
});

afterAll(async () => {
  await app?.close();
  await db?.cleanup();
});

type Who = Role | 'anon';
const WHO: Who[] = ['anon', 'admin', 'manager', 'supervisor', 'qa_analyst'];

function as(who: Who): Record<string, string> {
  if (who === 'anon') return {};
  const s = sessions.get(who) as LoggedIn;
  return { cookie: s.cookie, 'x-csrf-token': s.csrf };
}

const RANGE = 'from=2026-09-30&to=2026-10-02';
type Method = 'GET' | 'POST' | 'PATCH';
// route -> expected status for anon, admin, manager, supervisor, qa_analyst
const MATRIX: Array<[Method, string, Record<string, unknown> | null, [number, number, number, number, number]]> = [
  ['GET', '/api/live/supervisor', null, [401, 200, 200, 200, 200]],
  ['GET', `/api/reports/wait-distribution?${RANGE}`, null, [401, 200, 200, 200, 200]],
  ['GET', '/api/reports/wait-distribution?from=2026-09-30', null, [401, 400, 400, 400, 400]],
  ['GET', `/api/reports/agents?${RANGE}`, null, [401, 200, 200, 200, 403]],
  ['GET', `/api/reports/agents?${RANGE}&by=day`, null, [401, 400, 400, 400, 403]],
  ['GET', '/api/quality', null, [401, 200, 200, 200, 403]],
  ['GET', '/api/quality?days=0', null, [401, 400, 400, 400, 403]],
  ['GET', '/api/settings', null, [401, 200, 200, 403, 403]],
  ['POST', '/api/settings/queues', { site: 'lpz', queue: '101', patch: { threshold_s: 30 } }, [401, 201, 403, 403, 403]],
  ['POST', '/api/settings/calendars', { site: 'lpz', spec: { tz: TZ } }, [401, 201, 403, 403, 403]],
  ['PATCH', '/api/users/zoe', { lang: 'en' }, [401, 200, 403, 403, 403]],
];

describe('new routes x role', () => {
  const cases = MATRIX.flatMap(([method, url, body, statuses]) => WHO.map((who, i) => [method, url, who, statuses[i] as number, body] as const));
  it.each(cases)('%s %s as %s -> %i', async (method, url, who, status, body) => {
    const res = await app.inject({ method, url, headers: as(who), ...(body ? { payload: body } : {}) });
    expect(res.statusCode).toBe(status);
    if (status >= 400) {
      const code = { 400: 'TABLERO_ERR_BAD_QUERY', 401: 'TABLERO_ERR_UNAUTHENTICATED', 403: 'TABLERO_ERR_FORBIDDEN' }[status];
      expect((res.json() as { code: string }).code).toBe(code);
    }
  });
});

describe('GET /api/reports/*', () => {
  it('counts answered and abandoned waits per bucket, zeros included', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/reports/wait-distribution?${RANGE}`, headers: as('manager') });
    const body = res.json() as { tz: string; buckets: Array<{ from_s: number; to_s: number | null; answered: number; abandoned: number }> };
    expect(body.tz).toBe(TZ);
    expect(body.buckets.map((b) => [b.from_s, b.to_s, b.answered, b.abandoned])).toEqual([
      [0, 10, 1, 0],
      [10, 20, 1, 1],
      [20, 30, 1, 0],
      [30, 45, 0, 1],
      [45, 60, 0, 1],
      [60, 90, 0, 0],
      [90, 120, 0, 0],
      [120, 180, 0, 0],
      [180, 300, 0, 0],
      [300, null, 0, 0],
    ]);
  });

  it('filters by queue and by the range in the site time zone', async () => {
    const q102 = await app.inject({ method: 'GET', url: `/api/reports/wait-distribution?${RANGE}&queue=102`, headers: as('manager') });
    expect((q102.json() as { buckets: Array<{ answered: number; abandoned: number }> }).buckets.every((b) => b.answered + b.abandoned === 0)).toBe(true);
    const late = await app.inject({ method: 'GET', url: '/api/reports/wait-distribution?from=2026-10-01T10:00&to=2026-10-02', headers: as('manager') });
    const buckets = (late.json() as { buckets: Array<{ answered: number; abandoned: number }> }).buckets;
    // Entered after 10:00 La Paz (14:00 UTC): s4 (answered, 5 s), s6 (abandoned, 10 s), s7 (timeout, not shown).
    expect(buckets.map((b) => b.abandoned)).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(buckets.map((b) => b.answered)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('gives answered, AHT and pause time by reason per agent', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/reports/agents?${RANGE}`, headers: as('supervisor') });
    expect(res.json()).toEqual({
      tz: TZ,
      reasons: ['', 'Almuerzo', 'Baño'],
      agents: [
        { agent: 'Ana', answered: 2, aht_s: 150.5, talk_s: 301, pause_s: 350, pause_by_reason: { '': 50, 'Baño': 300 } },
        { agent: 'Beto', answered: 1, aht_s: null, talk_s: 0, pause_s: 1000, pause_by_reason: { Almuerzo: 1000 } },
      ],
    });
  });
});

describe('GET /api/quality', () => {
  it('reports lines per source and reason, silence, clock skew and the stale open calls the processor listed', async () => {
    const stale: SupervisorMessage['stale_calls'] = [
      { site: 'lpz', queue: '101', callid: 'old1', enter_s: NOW_S - 5 * 3600, last_event_s: NOW_S - 5 * 3600, reason: 'no_event_for_horizon' },
      { site: 'lpz', queue: '102', callid: 'old2', enter_s: NOW_S - 3000, last_event_s: NOW_S - 2900, reason: 'before_restart' },
    ];
    const view: SupervisorMessage = { type: 'supervisor', site: 'lpz', at_ms: NOW_S * 1000, data_ts: NOW_S, agents: [], waiting: [], abandoned: [], stale_calls: stale };
    bus.emit(supervisorSubject('lpz'), JSON.stringify(view));
    health = {
      sources: [{ source: QLOG, site: 'lpz', kind: 'queue_log', path: QLOG, offset: 1, accepted: 7, rejected: 3, last_line_at_ms: (NOW_S - 58) * 1000, last_event_ts: NOW_S - 60 }],
    };
    const res = await app.inject({ method: 'GET', url: '/api/quality', headers: as('admin') });
    expect(res.json()).toEqual({
      now_ms: NOW_S * 1000,
      since_s: NOW_S - 86_400,
      silent_after_s: 300,
      ingest: 'running',
      // No processor health heard on this test bus.
      processor: null,
      sources: [
        {
          site: 'lpz', source: QLOG, kind: 'queue_log', live_accepted: 7, live_rejected: 3, stored_accepted: 7, stored_rejected: 3,
          last_line_at_ms: (NOW_S - 58) * 1000, last_event_s: NOW_S - 60, silent_for_s: 58, silent: false, imported: false, clock_skew_s: 2,
        },
        {
          site: 'lpz', source: 'push:pbx2', kind: 'queue_log', live_accepted: null, live_rejected: null, stored_accepted: 1, stored_rejected: 0,
          last_line_at_ms: null, last_event_s: NOW_S - 4000, silent_for_s: 4000, silent: true, imported: false, clock_skew_s: null,
        },
      ],
      rejected: [
        { site: 'lpz', source: QLOG, reason: 'too_few_columns', lines: 2, last_rejected_s: NOW_S - 200, sample_line_no: 9, sample_raw: '1790000001|y' },
        { site: 'lpz', source: QLOG, reason: 'bad_epoch', lines: 1, last_rejected_s: NOW_S - 100, sample_line_no: 11, sample_raw: 'abc|c|q|a|ENTERQUEUE' },
      ],
      stale_calls: stale,
    });
    const week = await app.inject({ method: 'GET', url: '/api/quality?days=7', headers: as('admin') });
    const rejected = (week.json() as { rejected: Array<{ reason: string; lines: number }> }).rejected;
    expect(rejected.map((r) => [r.reason, r.lines])).toEqual([['bad_epoch', 2], ['too_few_columns', 2]]);
  });
});

describe('settings', () => {
  it.each([
    ['invalid settings for lpz/101: bad_field:alerts.waiting_above', { reason: 'bad_field', field: 'alerts.waiting_above' }],
    ['invalid settings for lpz/(defaults): unknown_field:colour', { reason: 'unknown_field', field: 'colour' }],
    ['bad time weekly[2][0].to: 25:00', { reason: 'bad_time', day: 2, value: '25:00' }],
    ['empty range weekly[6][1]: 10:00-09:00', { reason: 'empty_range', day: 6, value: '10:00-09:00' }],
    ['bad holiday date: 25/12/2026', { reason: 'bad_holiday', value: '25/12/2026' }],
    ['Invalid time zone specified: Mars/Base', { reason: 'bad_tz' }],
    ["unknown calendar field 'hours' (expected tz, weekly, holidays)", { reason: 'invalid' }],
  ])('names the reason of %j for the page', (message, details) => {
    expect(refusalDetails(message)).toEqual(details);
  });

  it('lists defaults, versions and calendars', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/settings', headers: as('manager') });
    expect(res.json()).toEqual({
      defaults: { formula: 'offered', threshold_s: 20 },
      versions: [{ site: 'lpz', queue: '101', version: 1, valid_from_ms: 5, patch: { threshold_s: 30 }, created_by: 'ana' }],
      calendars: { lpz: { tz: TZ, at: NOW_S * 1000 } },
      calendar_versions: [{ site: 'lpz', version: 1, valid_from_ms: 9, spec: { tz: TZ, holidays: ['2026-12-25'] }, created_by: 'ana' }],
      tz: TZ,
    });
  });

  it('saves a version by the admin, valid from now unless told, and answers a bad patch with its reason', async () => {
    saves.length = 0;
    const ok = await app.inject({ method: 'POST', url: '/api/settings/queues', headers: as('admin'), payload: { site: 'lpz', queue: '', patch: { formula: 'answered' } } });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toEqual({ version: 2 });
    const cal = await app.inject({ method: 'POST', url: '/api/settings/calendars', headers: as('admin'), payload: { site: 'lpz', spec: { tz: TZ }, valid_from_ms: 1234 } });
    expect(cal.json()).toEqual({ version: 7 });
    expect(saves).toEqual([
      { kind: 'queue', args: { site: 'lpz', queue: '', patch: { formula: 'answered' }, validFromMs: NOW_S * 1000, createdBy: 'ana', nowMs: NOW_S * 1000 } },
      { kind: 'calendar', args: { site: 'lpz', spec: { tz: TZ }, validFromMs: 1234, createdBy: 'ana', nowMs: NOW_S * 1000 } },
    ]);
    const bad = await app.inject({ method: 'POST', url: '/api/settings/queues', headers: as('admin'), payload: { site: 'lpz', queue: '101', patch: { threshold_s: -1 } } });
    expect(bad.statusCode).toBe(400);
    // The reason code and field let the page word the refusal in the user's language.
    expect(bad.json()).toEqual({ code: 'TABLERO_ERR_BAD_REQUEST', message: 'invalid settings: bad_field:threshold_s', reason: 'bad_field', field: 'threshold_s' });
    const badTz = await app.inject({ method: 'POST', url: '/api/settings/calendars', headers: as('admin'), payload: { site: 'lpz', spec: { tz: 'Mars/Base' } } });
    expect(badTz.json()).toEqual({ code: 'TABLERO_ERR_BAD_REQUEST', message: 'Invalid time zone specified: Mars/Base', reason: 'bad_tz' });
    const noPatch = await app.inject({ method: 'POST', url: '/api/settings/queues', headers: as('admin'), payload: { site: 'lpz', queue: '101' } });
    expect(noPatch.json()).toEqual({ code: 'TABLERO_ERR_BAD_REQUEST', message: "body must have required property 'patch'" });
  });

  it('answers 503 when this process has no settings store', async () => {
    const bare = await buildApp(deps({ settings: undefined }), { sessionSecret: SECRET });
    try {
      const s = await login(bare, 'ana');
      const res = await bare.inject({ method: 'GET', url: '/api/settings', headers: { cookie: s.cookie } });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ code: 'TABLERO_ERR_SETTINGS_UNAVAILABLE', message: 'settings are not available in this process' });
    } finally {
      await bare.close();
    }
  });
});

describe('PATCH /api/users/:username', () => {
  it('changes the role: the open session ends, and the next login carries the new role', async () => {
    await createUser(db.ch, { username: 'rolf', password: PASSWORD, role: 'admin' });
    const rolf = await login(app, 'rolf');
    expect((await app.inject({ method: 'GET', url: '/api/users', headers: { cookie: rolf.cookie } })).statusCode).toBe(200);
    const res = await app.inject({ method: 'PATCH', url: '/api/users/rolf', headers: as('admin'), payload: { role: 'qa_analyst' } });
    expect(res.json()).toMatchObject({ username: 'rolf', role: 'qa_analyst', lang: 'es', disabled: false });
    expect((await app.inject({ method: 'GET', url: '/api/users', headers: { cookie: rolf.cookie } })).statusCode).toBe(401);
    const again = await login(app, 'rolf');
    expect((await app.inject({ method: 'GET', url: '/api/users', headers: { cookie: again.cookie } })).statusCode).toBe(403);
  });

  it('disables a user (its session ends, login refused) and enables it again', async () => {
    await createUser(db.ch, { username: 'dora', password: PASSWORD, role: 'supervisor' });
    const dora = await login(app, 'dora');
    await app.inject({ method: 'PATCH', url: '/api/users/dora', headers: as('admin'), payload: { disabled: true } });
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: dora.cookie } })).statusCode).toBe(401);
    const refused = await app.inject({ method: 'POST', url: '/api/login', payload: { username: 'dora', password: PASSWORD } });
    expect(refused.statusCode).toBe(401);
    await app.inject({ method: 'PATCH', url: '/api/users/dora', headers: as('admin'), payload: { disabled: false } });
    expect((await app.inject({ method: 'POST', url: '/api/login', payload: { username: 'dora', password: PASSWORD } })).statusCode).toBe(200);
  });

  it('closes the live sockets of a user who is disabled', async () => {
    await createUser(db.ch, { username: 'vera', password: PASSWORD, role: 'supervisor' });
    const vera = await login(app, 'vera');
    await app.ready();
    let closed: Promise<{ code: number; reason: string }> | null = null;
    const hello: string[] = [];
    await app.injectWS('/ws/live', { headers: { host: 'localhost', cookie: vera.cookie } }, {
      onInit: (socket) => {
        socket.on('message', (d) => hello.push(String(d)));
        closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
      },
    });
    for (let i = 0; i < 200 && hello.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(hello[0]).toContain('"username":"vera"');
    await app.inject({ method: 'PATCH', url: '/api/users/vera', headers: as('admin'), payload: { disabled: true } });
    expect(await closed).toEqual({ code: 1008, reason: 'account changed' });
  });

  it('sets a new password: the old one stops working', async () => {
    await createUser(db.ch, { username: 'pia', password: PASSWORD, role: 'manager' });
    const res = await app.inject({ method: 'PATCH', url: '/api/users/pia', headers: as('admin'), payload: { password: 'a brand new secret' } });
    expect(res.statusCode).toBe(200);
    expect(JSON.stringify(res.json())).not.toContain('secret');
    expect((await app.inject({ method: 'POST', url: '/api/login', payload: { username: 'pia', password: PASSWORD } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/login', payload: { username: 'pia', password: 'a brand new secret' } })).statusCode).toBe(200);
  });

  it.each([
    ['disable yourself', 'ana', { disabled: true }, 400, 'TABLERO_ERR_BAD_REQUEST'],
    ['demote yourself', 'ana', { role: 'manager' }, 400, 'TABLERO_ERR_BAD_REQUEST'],
    ['a short password', 'zoe', { password: 'short' }, 400, 'TABLERO_ERR_WEAK_PASSWORD'],
    ['an unknown role', 'zoe', { role: 'root' }, 400, 'TABLERO_ERR_BAD_REQUEST'],
    ['an empty change', 'zoe', {}, 400, 'TABLERO_ERR_BAD_REQUEST'],
    ['an unknown user', 'nobody', { lang: 'en' }, 404, 'TABLERO_ERR_NOT_FOUND'],
  ])('refuses to %s', async (_name, user, body, status, code) => {
    const res = await app.inject({ method: 'PATCH', url: `/api/users/${user}`, headers: as('admin'), payload: body });
    expect(res.statusCode).toBe(status);
    expect((res.json() as { code: string }).code).toBe(code);
  });
});
