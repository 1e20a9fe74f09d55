// The HTTP API against a real embedded ClickHouse with the real migrations: every route by
// role, login, logout, CSRF, users, kiosk tokens, KPI queries, ingest push,
// health, the SPA and the error shape.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { SESSION_TTL_MS } from './core/session.ts';
import { sha256Hex } from './store/auth-store.ts';
import type { KpiQuery, KpiRow } from '@tablero/processor/contract';
import type { DashboardDeps, DashboardOptions, PushRequest } from './types.ts';
import { PASSWORD, SECRET, TestBus, captureLog, login, openTestDb, seedUsers, type LoggedIn, type TestDb } from './testing/support.ts';
import type { Role } from './core/roles.ts';

const SOURCE_TOKEN = 'source-token-lpz-queue-log';
const API_TOKEN = 'api-token-for-the-cli';
const ROW = { queue: '101', period: '2026-10', offered: 3 };

let db: TestDb;
let staticDir: string;
let clock = Date.UTC(2026, 9, 1, 12);
const kpiCalls: KpiQuery[] = [];
const pushCalls: PushRequest[] = [];
let bus: TestBus;

function deps(over: Partial<DashboardDeps> = {}): DashboardDeps {
  return {
    bus,
    ch: db.ch,
    log: captureLog().log,
    now: () => clock,
    queryKpis: async (q) => {
      kpiCalls.push(q);
      if (q.queues?.includes('boom')) throw new Error('ClickHouse exploded at /secret/path');
      // The route passes the rows through untouched; a partial row shows it.
      return [ROW] as unknown as KpiRow[];
    },
    push: async (req) => {
      pushCalls.push(req);
      return { accepted: req.body.toString('utf8').split('\n').filter((l) => l.length > 0).length, rejected: 0 };
    },
    health: async () => ({
      sources: [{ source: '/var/log/asterisk/queue_log', path: '/var/log/asterisk/queue_log', site: 'lpz', kind: 'queue_log', accepted: 9, rejected: 1, last_line_at_ms: 1_000, last_event_ts: 1 }],
    }),
    ...over,
  };
}

function options(over: Partial<DashboardOptions> = {}): DashboardOptions {
  return {
    sessionSecret: SECRET,
    staticDir,
    sourceTokens: { [sha256Hex(SOURCE_TOKEN)]: { site: 'lpz', name: 'pbx1' } },
    apiTokens: { [sha256Hex(API_TOKEN)]: { username: 'cli', role: 'admin' } },
    ...over,
  };
}

let app: FastifyInstance;
const sessions = new Map<Role, LoggedIn>();

beforeAll(async () => {
  db = await openTestDb();
  await seedUsers(db.ch);
  staticDir = mkdtempSync(join(tmpdir(), 'tablero-static-'));
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Tablero</title>');
  writeFileSync(join(staticDir, 'assets', 'index-abc123.js'), 'console.log(1)');
  bus = new TestBus();
  app = await buildApp(deps(), options());
  sessions.set('admin', await login(app, 'ana'));
  sessions.set('manager', await login(app, 'mario'));
  sessions.set('supervisor', await login(app, 'sofia'));
  sessions.set('qa_analyst', await login(app, 'quique'));
});

afterAll(async () => {
  await app?.close();
  await db?.cleanup();
  rmSync(staticDir, { recursive: true, force: true });
});

function as(role: Role | 'anon'): Record<string, string> {
  if (role === 'anon') return {};
  const s = sessions.get(role) as LoggedIn;
  return { cookie: s.cookie, 'x-csrf-token': s.csrf };
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
type Who = Role | 'anon';
const WHO: Who[] = ['anon', 'admin', 'manager', 'supervisor', 'qa_analyst'];
const UNKNOWN_HASH = 'f'.repeat(64);

// route -> expected status for anon, admin, manager, supervisor, qa_analyst
const MATRIX: Array<[Method, string, ((who: Who) => unknown) | null, [number, number, number, number, number]]> = [
  ['GET', '/api/health', null, [200, 200, 200, 200, 200]],
  ['GET', '/api/me', null, [401, 200, 200, 200, 200]],
  ['PATCH', '/api/me', () => ({ lang: 'es' }), [401, 200, 200, 200, 200]],
  ['GET', '/api/kpis?from=2026-10-01&to=2026-11-01', null, [401, 200, 200, 200, 200]],
  ['GET', '/api/kpis?from=2026-10-01', null, [401, 400, 400, 400, 400]],
  ['GET', '/api/users', null, [401, 200, 403, 403, 403]],
  ['POST', '/api/users', (who) => ({ username: `made-by-${who}`, password: PASSWORD, role: 'supervisor' }), [401, 201, 403, 403, 403]],
  ['GET', '/api/kiosk-tokens', null, [401, 200, 403, 403, 403]],
  ['POST', '/api/kiosk-tokens', (who) => ({ label: `tv of ${who}` }), [401, 201, 403, 403, 403]],
  ['DELETE', `/api/kiosk-tokens/${UNKNOWN_HASH}`, null, [401, 404, 403, 403, 403]],
  ['GET', '/api/no-such-route', null, [401, 404, 404, 404, 404]],
  ['POST', '/ingest/queue-log', null, [401, 401, 401, 401, 401]],
  ['GET', '/ws/live', null, [401, 426, 426, 426, 426]],
];

describe('route x role', () => {
  const cases = MATRIX.flatMap(([method, url, body, statuses]) =>
    WHO.map((who, i) => [method, url, who, statuses[i] as number, body] as const),
  );
  it.each(cases)('%s %s as %s -> %i', async (method, url, who, status, body) => {
    const res = await app.inject({
      method,
      url,
      headers: as(who),
      ...(body ? { payload: body(who) as Record<string, unknown> } : {}),
    });
    expect(res.statusCode).toBe(status);
    if (status >= 400) {
      const err = res.json() as { code: string; message: string };
      expect(Object.keys(err).sort()).toEqual(['code', 'message']);
      expect(err.code).toBe(
        {
          400: 'TABLERO_ERR_BAD_QUERY',
          401: url.startsWith('/ingest/') ? 'TABLERO_ERR_SOURCE_TOKEN' : 'TABLERO_ERR_UNAUTHENTICATED',
          403: 'TABLERO_ERR_FORBIDDEN',
          404: 'TABLERO_ERR_NOT_FOUND',
          426: 'TABLERO_ERR_UPGRADE_REQUIRED',
        }[status],
      );
    }
  });
});

describe('login and sessions', () => {
  it('answers the user and a CSRF token and sets a strict HttpOnly cookie', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/login', payload: { username: 'sofia', password: PASSWORD } });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { csrf: string };
    expect(body).toEqual({ username: 'sofia', role: 'supervisor', lang: 'es', csrf: body.csrf });
    expect(body.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = res.cookies.find((c) => c.name === 'tablero_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/', maxAge: SESSION_TTL_MS / 1000 });
    expect(cookie?.secure).toBeUndefined();
    const me = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: `tablero_session=${cookie?.value}` } });
    expect(me.json()).toEqual(body);
  });

  it('gives the same answer for an unknown user and a wrong password', async () => {
    const unknown = await app.inject({ method: 'POST', url: '/api/login', payload: { username: 'nobody', password: PASSWORD } });
    const wrong = await app.inject({ method: 'POST', url: '/api/login', payload: { username: 'ana', password: 'wrong password' } });
    for (const res of [unknown, wrong]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ code: 'TABLERO_ERR_LOGIN', message: 'invalid username or password' });
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it('rejects a malformed login body with a typed 400 and no stack', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/login', headers: { 'content-type': 'application/json' }, payload: '{"username":' });
    expect(res.statusCode).toBe(400);
    const body = res.json() as { code: string; message: string };
    expect(body.code).toBe('TABLERO_ERR_BAD_REQUEST');
    expect(JSON.stringify(body)).not.toMatch(/at .*\.(ts|js):\d+/);
    const missing = await app.inject({ method: 'POST', url: '/api/login', payload: { username: 'ana' } });
    expect(missing.json()).toEqual({ code: 'TABLERO_ERR_BAD_REQUEST', message: "body must have required property 'password'" });
  });

  it('marks the cookie Secure when secureCookies is set', async () => {
    const secure = await buildApp(deps(), options({ secureCookies: true }));
    try {
      const res = await secure.inject({ method: 'POST', url: '/api/login', payload: { username: 'ana', password: PASSWORD } });
      expect(res.cookies.find((c) => c.name === 'tablero_session')?.secure).toBe(true);
    } finally {
      await secure.close();
    }
  });

  it('refuses a forged or tampered cookie', async () => {
    const { cookie } = sessions.get('qa_analyst') as LoggedIn;
    const tampered = cookie.slice(0, -2) + (cookie.endsWith('AA') ? 'BB' : 'AA');
    for (const c of [tampered, 'tablero_session=v1.e30.xyz']) {
      const res = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: c } });
      expect(res.statusCode).toBe(401);
    }
  });

  it('expires a session after 12 hours', async () => {
    const s = await login(app, 'mario');
    clock += SESSION_TTL_MS - 1;
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    clock += 1;
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: s.cookie } })).statusCode).toBe(401);
    clock -= SESSION_TTL_MS;
  });

  it('logout ends the session for good and clears the cookie', async () => {
    const s = await login(app, 'quique');
    const headers = { cookie: s.cookie, 'x-csrf-token': s.csrf };
    const out = await app.inject({ method: 'POST', url: '/api/logout', headers });
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === 'tablero_session')?.value).toBe('');
    expect((await app.inject({ method: 'GET', url: '/api/me', headers })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/logout', headers })).statusCode).toBe(401);
  });

  it('PATCH /api/me changes the language, which later logins keep', async () => {
    const s = await login(app, 'sofia');
    const res = await app.inject({ method: 'PATCH', url: '/api/me', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, payload: { lang: 'en' } });
    expect(res.json()).toEqual({ username: 'sofia', role: 'supervisor', lang: 'en', csrf: s.csrf });
    const again = await login(app, 'sofia');
    const me = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: again.cookie } });
    expect((me.json() as { lang: string }).lang).toBe('en');
    const bad = await app.inject({ method: 'PATCH', url: '/api/me', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, payload: { lang: 'fr' } });
    expect(bad.statusCode).toBe(400);
  });
});

describe('CSRF', () => {
  it.each([
    ['no header', undefined],
    ['a wrong token', 'x'.repeat(43)],
    ['another session token', 'other'],
  ])('refuses a write with %s', async (_name, header) => {
    const mine = sessions.get('admin') as LoggedIn;
    const other = sessions.get('manager') as LoggedIn;
    const token = header === 'other' ? other.csrf : header;
    const res = await app.inject({
      method: 'POST',
      url: '/api/kiosk-tokens',
      headers: { cookie: mine.cookie, ...(token === undefined ? {} : { 'x-csrf-token': token }) },
      payload: { label: 'should not exist' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ code: 'TABLERO_ERR_CSRF', message: 'missing or wrong x-csrf-token header' });
  });

  it('is checked before the role: a write with a stale token is told so, whatever the new session may do', async () => {
    // A page still holding the admin's token after a manager logged in over it in the same browser.
    const admin = sessions.get('admin') as LoggedIn;
    const manager = sessions.get('manager') as LoggedIn;
    const createKiosk = (csrf: string) =>
      app.inject({ method: 'POST', url: '/api/kiosk-tokens', headers: { cookie: manager.cookie, 'x-csrf-token': csrf }, payload: { label: 'should not exist' } });
    const res = await createKiosk(admin.csrf);
    expect(res.statusCode).toBe(403);
    expect((res.json() as { code: string }).code).toBe('TABLERO_ERR_CSRF');
    // With its own token the same write is judged by the role (kiosk links: admins only).
    const own = await createKiosk(manager.csrf);
    expect(own.statusCode).toBe(403);
    expect((own.json() as { code: string }).code).toBe('TABLERO_ERR_FORBIDDEN');
  });

  it('does not apply to reads', async () => {
    const { cookie } = sessions.get('admin') as LoggedIn;
    expect((await app.inject({ method: 'GET', url: '/api/users', headers: { cookie } })).statusCode).toBe(200);
  });
});

describe('users (admin)', () => {
  const admin = () => as('admin');

  it('creates a user who can then log in, and lists users without password hashes', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/users', headers: admin(), payload: { username: 'lucia', password: 'una clave larga', role: 'manager', lang: 'en' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ username: 'lucia', role: 'manager', lang: 'en', queues: [] });
    const lucia = await login(app, 'lucia', 'una clave larga');
    const me = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: lucia.cookie } });
    expect(me.json()).toEqual({ username: 'lucia', role: 'manager', lang: 'en', csrf: lucia.csrf });
    const list = (await app.inject({ method: 'GET', url: '/api/users', headers: admin() })).json() as Array<Record<string, unknown>>;
    const row = list.find((u) => u['username'] === 'lucia');
    expect(row).toEqual({ username: 'lucia', role: 'manager', lang: 'en', disabled: false, queues: [], updated_at_ms: row?.['updated_at_ms'] });
    expect(typeof row?.['updated_at_ms']).toBe('number');
    expect(JSON.stringify(list)).not.toContain('scrypt');
  });

  it.each([
    [{ username: 'ana', password: PASSWORD, role: 'admin' }, 409, 'TABLERO_ERR_USER_EXISTS', 'user ana already exists'],
    [{ username: 'x', password: 'short', role: 'admin' }, 400, 'TABLERO_ERR_WEAK_PASSWORD', 'the password must have at least 10 characters'],
    [{ username: 'x', password: PASSWORD, role: 'root' }, 400, 'TABLERO_ERR_BAD_REQUEST', 'role must be admin, manager, supervisor or qa_analyst'],
    [{ username: 'bad name', password: PASSWORD, role: 'admin' }, 400, 'TABLERO_ERR_BAD_REQUEST', 'username must be 1 to 64 letters, digits or . _ @ - (starting with a letter or digit)'],
    [{ username: 'x', password: PASSWORD, role: 'admin', lang: 'fr' }, 400, 'TABLERO_ERR_BAD_REQUEST', 'lang must be es or en'],
  ])('refuses %j', async (payload, status, code, message) => {
    const res = await app.inject({ method: 'POST', url: '/api/users', headers: admin(), payload });
    expect(res.statusCode).toBe(status);
    // A refused password also names the policy's reason, for the SPA to translate.
    expect(res.json()).toEqual(code === 'TABLERO_ERR_WEAK_PASSWORD' ? { code, message, reason: 'too_short' } : { code, message });
  });
});

describe('kiosk tokens (admin)', () => {
  it('creates a token shown once, stores only its hash, lists and revokes it', async () => {
    const before = Date.now();
    const created = await app.inject({ method: 'POST', url: '/api/kiosk-tokens', headers: as('admin'), payload: { label: 'TV sala 2' } });
    const after = Date.now();
    expect(created.statusCode).toBe(201);
    const { token, hash, url_path } = created.json() as { token: string; hash: string; url_path: string };
    expect(token).toMatch(/^k[A-Za-z0-9_-]{43}$/);
    expect(hash).toBe(sha256Hex(token));
    expect(url_path).toBe(`/?kiosk=${token}#/wallboard`);

    const stored = await (await db.ch.client.query({ query: 'SELECT * FROM kiosk_tokens', format: 'JSONEachRow' })).text();
    expect(stored).toContain(hash);
    expect(stored).not.toContain(token);

    const find = async () =>
      ((await app.inject({ method: 'GET', url: '/api/kiosk-tokens', headers: as('admin') })).json() as Array<Record<string, unknown>>).find(
        (t) => t['hash'] === hash,
      );
    const listed = await find();
    // No sites or queues given: the link shows everything.
    expect(listed).toEqual({ hash, label: 'TV sala 2', created_by: 'ana', created_at_ms: listed?.['created_at_ms'], revoked: false, sites: [], queues: [] });
    expect(listed?.['created_at_ms']).toBeGreaterThanOrEqual(before);
    expect(listed?.['created_at_ms']).toBeLessThanOrEqual(after + 1);

    const del = await app.inject({ method: 'DELETE', url: `/api/kiosk-tokens/${hash}`, headers: as('admin') });
    expect(del.statusCode).toBe(204);
    expect((await find())?.['revoked']).toBe(true);
  });

  it('keeps the sites and queues of a link through its revocation', async () => {
    const created = await app.inject({ method: 'POST', url: '/api/kiosk-tokens', headers: as('admin'), payload: { label: 'TV lpz', sites: ['scz', 'lpz'], queues: ['102', '101'] } });
    expect(created.statusCode).toBe(201);
    const { hash, sites, queues } = created.json() as { hash: string; sites: string[]; queues: string[] };
    expect([sites, queues]).toEqual([['lpz', 'scz'], ['101', '102']]);
    expect((await app.inject({ method: 'DELETE', url: `/api/kiosk-tokens/${hash}`, headers: as('admin') })).statusCode).toBe(204);
    const listed = ((await app.inject({ method: 'GET', url: '/api/kiosk-tokens', headers: as('admin') })).json() as Array<Record<string, unknown>>).find((t) => t['hash'] === hash);
    expect([listed?.['revoked'], listed?.['sites'], listed?.['queues']]).toEqual([true, ['lpz', 'scz'], ['101', '102']]);
  });

  it('answers 400 for a malformed hash', async () => {
    const res = await app.inject({ method: 'DELETE', url: '/api/kiosk-tokens/not-a-hash', headers: as('admin') });
    expect(res.statusCode).toBe(400);
    expect((res.json() as { code: string }).code).toBe('TABLERO_ERR_BAD_REQUEST');
  });
});

describe('GET /api/kpis', () => {
  it('passes the validated query to queryKpis and answers its rows', async () => {
    kpiCalls.length = 0;
    const res = await app.inject({
      method: 'GET',
      url: '/api/kpis?from=2026-10-01&to=2026-11-01&queue=101&queue=102&by=day&formula=answered&threshold=30&strict=true&short_abandon=5&tz=America/Bogota&site=pbx-2',
      headers: as('qa_analyst'),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([ROW]);
    expect(kpiCalls).toEqual([
      { from: '2026-10-01', to: '2026-11-01', queues: ['101', '102'], by: 'day', formula: 'answered', threshold_s: 30, strict: true, short_abandon_s: 5, tz: 'America/Bogota', site: 'pbx-2' },
    ]);
  });

  it('names the bad parameter', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/kpis?from=2026-10-01&to=2026-11-01&threshold=-3', headers: as('manager') });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ code: 'TABLERO_ERR_BAD_QUERY', message: 'bad query parameter threshold: must be an integer >= 0' });
  });

  it('answers a typed 500 without internals when the query fails', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/kpis?from=2026-10-01&to=2026-11-01&queue=boom', headers: as('manager') });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ code: 'TABLERO_ERR_KPIS', message: 'the KPI query failed' });
  });
});

describe('API bearer tokens', () => {
  it('act as their configured user and need no CSRF header', async () => {
    const auth = { authorization: `Bearer ${API_TOKEN}` };
    expect((await app.inject({ method: 'GET', url: '/api/users', headers: auth })).statusCode).toBe(200);
    const res = await app.inject({ method: 'POST', url: '/api/kiosk-tokens', headers: auth, payload: { label: 'from the cli' } });
    expect(res.statusCode).toBe(201);
    expect((await app.inject({ method: 'GET', url: '/api/users', headers: { authorization: 'Bearer nope' } })).statusCode).toBe(401);
  });
});

describe('ingest push', () => {
  const auth = { authorization: `Bearer ${SOURCE_TOKEN}` };

  it('hands the text body to push with the token source and answers its counts', async () => {
    pushCalls.length = 0;
    const body = '1|a|101|NONE|ENTERQUEUE||1|1\n2|a|101|agent|CONNECT|3|b|1\n';
    const res = await app.inject({ method: 'POST', url: '/ingest/queue-log', headers: { ...auth, 'content-type': 'text/plain', 'x-tablero-offset': '4096' }, payload: body });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ accepted: 2, rejected: 0 });
    expect(pushCalls).toEqual([{ site: 'lpz', sourceName: 'pbx1', kind: 'queue_log', body: Buffer.from(body), firstOffset: 4096 }]);
  });

  it('takes any content type for CDR text and omits firstOffset when not given', async () => {
    pushCalls.length = 0;
    const res = await app.inject({ method: 'POST', url: '/ingest/cdr', headers: { ...auth, 'content-type': 'application/octet-stream' }, payload: '"a","b"\n' });
    expect(res.statusCode).toBe(200);
    expect(pushCalls).toEqual([{ site: 'lpz', sourceName: 'pbx1', kind: 'cdr', body: Buffer.from('"a","b"\n') }]);
  });

  it('answers only after push resolved', async () => {
    let release: ((v: { accepted: number; rejected: number }) => void) | null = null;
    const slow = await buildApp(deps({ push: () => new Promise((r) => (release = r)) }), options());
    try {
      let settled = false;
      const pending = slow.inject({ method: 'POST', url: '/ingest/queue-log', headers: auth, payload: 'x\n' }).then((r) => {
        settled = true;
        return r;
      });
      while (release === null) await new Promise((r) => setTimeout(r, 5));
      // push has been called and not resolved: the HTTP answer must still be pending.
      await new Promise((r) => setTimeout(r, 50));
      expect(settled).toBe(false);
      (release as (v: { accepted: number; rejected: number }) => void)({ accepted: 0, rejected: 1 });
      const res = await pending;
      expect(res.json()).toEqual({ accepted: 0, rejected: 1 });
    } finally {
      await slow.close();
    }
  });

  it.each([
    [{ authorization: 'Bearer wrong' }, 401, 'TABLERO_ERR_SOURCE_TOKEN'],
    [{ authorization: SOURCE_TOKEN }, 401, 'TABLERO_ERR_SOURCE_TOKEN'],
    [{ ...auth, 'x-tablero-offset': '-1' }, 400, 'TABLERO_ERR_BAD_REQUEST'],
  ])('refuses headers %j', async (headers, status, code) => {
    const res = await app.inject({ method: 'POST', url: '/ingest/queue-log', headers, payload: 'x\n' });
    expect(res.statusCode).toBe(status);
    expect((res.json() as { code: string }).code).toBe(code);
  });

  it('answers 503 when no push handler runs in this process, or when push fails', async () => {
    const none = await buildApp({ ...deps(), push: undefined }, options());
    const failing = await buildApp(deps({ push: async () => { throw new Error('bus down'); } }), options());
    try {
      const a = await none.inject({ method: 'POST', url: '/ingest/queue-log', headers: auth, payload: 'x\n' });
      expect(a.statusCode).toBe(503);
      expect(a.json()).toEqual({ code: 'TABLERO_ERR_INGEST_UNAVAILABLE', message: 'ingest is not running in this process' });
      const b = await failing.inject({ method: 'POST', url: '/ingest/cdr', headers: auth, payload: 'x\n' });
      expect(b.statusCode).toBe(503);
      expect(b.json()).toEqual({ code: 'TABLERO_ERR_INGEST_UNAVAILABLE', message: 'the lines were not stored; send them again' });
    } finally {
      await none.close();
      await failing.close();
    }
  });
});

describe('health', () => {
  it('reports bus, ClickHouse and the injected facts', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    // Anyone may ask: each source says its site, kind and last line, not its path or volumes.
    expect(res.json()).toEqual({ status: 'ok', bus: true, clickhouse: true, sources: [{ site: 'lpz', kind: 'queue_log', last_line_at_ms: 1_000, last_event_ts: 1 }] });
  });

  it('is degraded (503) when the bus is down', async () => {
    bus.up = false;
    try {
      const res = await app.inject({ method: 'GET', url: '/api/health' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ status: 'degraded', bus: false, clickhouse: true, sources: [{ site: 'lpz', kind: 'queue_log', last_line_at_ms: 1_000, last_event_ts: 1 }] });
    } finally {
      bus.up = true;
    }
  });
});

describe('SPA', () => {
  it('serves index.html at / and for client-side paths, hashed assets as immutable', async () => {
    for (const url of ['/', '/wallboard', '/reports/monthly?x=1']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toBe('<!doctype html><title>Tablero</title>');
    }
    const asset = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const missing = await app.inject({ method: 'GET', url: '/assets/missing.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ code: 'TABLERO_ERR_NOT_FOUND', message: '/assets/missing.js not found' });
  });

  it('sends security headers', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });
});

describe('route declarations', () => {
  it('refuses to register an /api/ route that declares no access', async () => {
    const fresh = await buildApp(deps(), options({ staticDir: undefined }));
    try {
      expect(() => fresh.get('/api/forgotten', async () => 'secret')).toThrow('route GET /api/forgotten declares no access');
    } finally {
      await fresh.close();
    }
  });
});
