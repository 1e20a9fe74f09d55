// Sessions, passwords and login throttling against a real embedded ClickHouse with the real
// migrations (issue 14): login throttling per account across addresses and per address across
// accounts with the audit rows it leaves, the password policy on every route that sets one, a
// password change ending the user's other sessions and sockets at once, admin changes doing the
// same, sessions ended by another process closing sockets here, and a logout surviving a new app
// on the same store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type WebSocket from 'ws';
import { buildApp } from './app.ts';
import { listAudit, type AuditRow } from './store/audit-store.ts';
import { endUserSessions } from './store/session-store.ts';
import { createUser } from './store/auth-store.ts';
import type { DashboardDeps, DashboardOptions } from './types.ts';
import { PASSWORD, SECRET, TestBus, captureLog, login, openTestDb, seedUsers, type LoggedIn, type TestDb } from './testing/support.ts';

const HOST = 'localhost:8080';
let db: TestDb;
let bus: TestBus;
let app: FastifyInstance;
let clock = Date.UTC(2026, 9, 1, 9);
let admin: LoggedIn;

function deps(over: Partial<DashboardDeps> = {}): DashboardDeps {
  return { bus, ch: db.ch, log: captureLog().log, now: () => clock, queryKpis: async () => [], ...over };
}
const options = (over: Partial<DashboardOptions> = {}): DashboardOptions => ({ sessionSecret: SECRET, ...over });

beforeAll(async () => {
  db = await openTestDb();
  await seedUsers(db.ch);
  bus = new TestBus();
  app = await buildApp(deps(), options());
  admin = await login(app, 'ana');
});

afterAll(async () => {
  await app?.close();
  await db?.cleanup();
});

/** Each test starts an hour later, so no run of failures reaches into the next test. */
function nextHour(): number {
  clock += 3_600_000;
  return clock;
}

function attempt(username: string, password: string, remoteAddress: string, target = app) {
  return target.inject({ method: 'POST', url: '/api/login', payload: { username, password }, remoteAddress });
}

const headersOf = (s: LoggedIn) => ({ cookie: s.cookie, 'x-csrf-token': s.csrf });

async function status(s: LoggedIn, target = app): Promise<number> {
  return (await target.inject({ method: 'GET', url: '/api/me', headers: { cookie: s.cookie } })).statusCode;
}

type Entry = Omit<AuditRow, 'at_ms' | 'id'>;

/** Rows as a multiset: the test clock stands still, so rows of one instant have no order. */
function bag(rows: Entry[]): string[] {
  return rows.map((r) => JSON.stringify(r)).sort();
}

/** Audit rows since `sinceMs`, oldest first (rows of one instant in any order), without the time. */
async function auditSince(sinceMs: number): Promise<Entry[]> {
  const rows = (await listAudit(db.ch)).filter((r) => r.at_ms >= sinceMs);
  return rows.sort((a, b) => a.at_ms - b.at_ms).map(({ at_ms: _at, id: _id, ...rest }) => rest);
}

interface Live {
  ws: WebSocket;
  messages: string[];
  closed: Promise<{ code: number; reason: string }>;
}

async function openLive(target: FastifyInstance, cookie: string): Promise<Live> {
  const messages: string[] = [];
  let closed: Live['closed'] | null = null;
  await target.ready();
  const ws = await target.injectWS('/ws/live', { headers: { host: HOST, cookie } }, {
    onInit: (socket) => {
      socket.on('message', (d) => messages.push(String(d)));
      closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    },
  });
  const until = Date.now() + 5_000;
  while (messages.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
  expect(messages[0]).toContain('"type":"hello"');
  return { ws, messages, closed: closed as unknown as Live['closed'] };
}

describe('login throttling', () => {
  it('locks one account across addresses: after 5 failures the 11th try, from a second address and with the right password, is refused', async () => {
    const t0 = nextHour();
    for (let i = 0; i < 5; i++) expect((await attempt('sofia', 'not her password', '10.1.0.1')).statusCode).toBe(401);
    for (let i = 5; i < 10; i++) expect((await attempt('sofia', 'not her password', '10.1.0.1')).statusCode).toBe(429);
    const eleventh = await attempt('sofia', PASSWORD, '10.1.0.2');
    expect(eleventh.statusCode).toBe(429);
    expect(eleventh.json()).toEqual({ code: 'TABLERO_ERR_RATE_LIMIT', message: 'too many failed logins, retry in 30 s', retry_after_s: 30 });
    expect(eleventh.headers['retry-after']).toBe('30');
    expect(eleventh.headers['set-cookie']).toBeUndefined();
    // Another account from the same addresses is not affected.
    expect((await attempt('mario', PASSWORD, '10.1.0.1')).statusCode).toBe(200);
    clock += 29_999;
    expect((await attempt('sofia', PASSWORD, '10.1.0.2')).json()).toMatchObject({ retry_after_s: 1 });
    clock += 1;
    expect((await attempt('sofia', PASSWORD, '10.1.0.2')).statusCode).toBe(200);

    const failed = { actor: 'sofia', action: 'login_failed', target: 'sofia', address: '10.1.0.1', detail: { via: 'login' } };
    expect(bag(await auditSince(t0))).toEqual(bag([
      failed,
      failed,
      failed,
      failed,
      failed,
      { actor: 'sofia', action: 'login_locked', target: 'sofia', address: '10.1.0.1', detail: { scope: 'account', failures: 5, wait_s: 30 } },
      { actor: 'mario', action: 'login', target: 'mario', address: '10.1.0.1', detail: {} },
      { actor: 'sofia', action: 'login', target: 'sofia', address: '10.1.0.2', detail: {} },
    ]));
  });

  it('slows one address across accounts: 20 accounts tried, the last 10 refused, locks doubling; other addresses log in', async () => {
    const t0 = nextHour();
    const answers: number[] = [];
    for (let i = 1; i <= 20; i++) answers.push((await attempt(`cuenta${String(i).padStart(2, '0')}`, 'adivinanza larga', '10.2.0.1')).statusCode);
    expect(answers).toEqual([...Array<number>(10).fill(401), ...Array<number>(10).fill(429)]);
    // The address is slowed for every account, even with the right password; another address is not.
    expect((await attempt('mario', PASSWORD, '10.2.0.1')).json()).toEqual({
      code: 'TABLERO_ERR_RATE_LIMIT',
      message: 'too many failed logins, retry in 30 s',
      retry_after_s: 30,
    });
    expect((await attempt('mario', PASSWORD, '10.2.0.2')).statusCode).toBe(200);
    // After the wait one more try is judged, and its failure doubles the lock.
    clock += 30_000;
    expect((await attempt('cuenta21', 'adivinanza larga', '10.2.0.1')).statusCode).toBe(401);
    expect((await attempt('cuenta22', 'adivinanza larga', '10.2.0.1')).json()).toMatchObject({ retry_after_s: 60 });

    const rows = await auditSince(t0);
    expect(rows.filter((r) => r.action === 'login_failed').map((r) => `${r.target}@${r.address}`).sort()).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `cuenta${String(i + 1).padStart(2, '0')}@10.2.0.1`),
      'cuenta21@10.2.0.1',
    ]);
    expect(rows.filter((r) => r.action === 'login_locked')).toEqual([
      { actor: 'cuenta10', action: 'login_locked', target: '', address: '10.2.0.1', detail: { scope: 'address', failures: 10, wait_s: 30 } },
      { actor: 'cuenta21', action: 'login_locked', target: '', address: '10.2.0.1', detail: { scope: 'address', failures: 11, wait_s: 60 } },
    ]);
  });

  it('judges parallel guesses one after another, not all against the same past', async () => {
    nextHour();
    const answers = await Promise.all(Array.from({ length: 8 }, () => attempt('quique', 'a parallel guess', '10.3.0.1')));
    expect(answers.map((r) => r.statusCode).sort()).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
  });

  it('counts the client named by X-Forwarded-For only behind a trusted proxy', async () => {
    nextHour();
    const proxied = await buildApp(deps(), options({ trustProxy: ['127.0.0.1'] }));
    try {
      const via = (client: string, remoteAddress: string) =>
        proxied.inject({ method: 'POST', url: '/api/login', payload: { username: `nadie-${client}`, password: 'adivinanza larga' }, remoteAddress, headers: { 'x-forwarded-for': client } });
      // Ten clients behind the proxy fail once each: no address reaches its threshold.
      for (let i = 0; i < 10; i++) expect((await via(`192.0.2.${i}`, '127.0.0.1')).statusCode).toBe(401);
      expect((await via('192.0.2.99', '127.0.0.1')).statusCode).toBe(401);
      // From an untrusted peer the header is ignored: ten failures lock the peer itself.
      for (let i = 0; i < 10; i++) expect((await via(`198.51.100.${i}`, '10.4.0.1')).statusCode).toBe(401);
      expect((await via('198.51.100.99', '10.4.0.1')).statusCode).toBe(429);
    } finally {
      await proxied.close();
    }
  });
});

describe('password policy on every route that sets a password', () => {
  it.each<[string, string, string]>([
    ['POST /api/users', 'password123', 'common'],
    ['POST /api/users', '            ', 'blank'],
    ['POST /api/users', 'corta', 'too_short'],
    ['PATCH /api/users/mario', 'Qwertyuiop', 'common'],
    ['PATCH /api/users/mario', 'nueve car', 'too_short'],
    ['POST /api/me/password', 'contraseña2026', 'common'],
    ['POST /api/me/password', '   \t      ', 'blank'],
  ])('%s refuses %j: %s', async (route, password, reason) => {
    const [method, url] = route.split(' ') as ['POST' | 'PATCH', string];
    const payload =
      url === '/api/users'
        ? { username: 'nuevo', password, role: 'manager' }
        : url === '/api/me/password'
          ? { current_password: PASSWORD, new_password: password }
          : { password };
    const res = await app.inject({ method, url, headers: headersOf(admin), payload });
    expect(res.statusCode).toBe(400);
    const text = {
      common: 'the password is in the list of common passwords; choose a less predictable one',
      blank: 'the password must not be only spaces',
      too_short: 'the password must have at least 10 characters',
    }[reason];
    expect(res.json()).toEqual({ code: 'TABLERO_ERR_WEAK_PASSWORD', message: text, reason });
  });
});

describe('password changes end the other sessions and sockets', () => {
  it('a self-service change ends the other sessions and closes their socket at once; the current session stays', async () => {
    const t0 = nextHour();
    await createUser(db.ch, { username: 'rita', password: PASSWORD, role: 'qa_analyst' });
    const current = await login(app, 'rita');
    const other = await login(app, 'rita');
    const third = await login(app, 'rita');
    const mine = await openLive(app, current.cookie);
    const theirs = await openLive(app, other.cookie);

    const res = await app.inject({
      method: 'POST',
      url: '/api/me/password',
      headers: headersOf(current),
      payload: { current_password: PASSWORD, new_password: 'la clave nueva de rita' },
      remoteAddress: '10.5.0.1',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ended_sessions: 2, closed_sockets: 1 });
    expect(await theirs.closed).toEqual({ code: 1008, reason: 'account changed' });
    expect([await status(current), await status(other), await status(third)]).toEqual([200, 401, 401]);
    // The current page's socket stays open.
    const still = await Promise.race([mine.closed, new Promise((r) => setTimeout(() => r('open'), 200))]);
    expect(still).toBe('open');

    expect((await attempt('rita', PASSWORD, '10.5.0.2')).statusCode).toBe(401);
    expect((await attempt('rita', 'la clave nueva de rita', '10.5.0.2')).statusCode).toBe(200);
    const rows = await auditSince(t0);
    expect(rows.filter((r) => r.action === 'password_changed')).toEqual([
      { actor: 'rita', action: 'password_changed', target: 'rita', address: '10.5.0.1', detail: { ended_sessions: 2, closed_sockets: 1 } },
    ]);
    const table = await (await db.ch.client.query({ query: 'SELECT * FROM audit_log', format: 'JSONEachRow' })).text();
    expect(table).not.toContain('la clave nueva');
    mine.ws.terminate();
  });

  it('refuses a wrong current password (403, counted as a failed login) and changes nothing', async () => {
    const t0 = nextHour();
    await createUser(db.ch, { username: 'tito', password: PASSWORD, role: 'supervisor' });
    const s = await login(app, 'tito');
    const res = await app.inject({
      method: 'POST',
      url: '/api/me/password',
      headers: headersOf(s),
      payload: { current_password: 'no es la actual', new_password: 'una clave nueva y larga' },
      remoteAddress: '10.6.0.1',
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ code: 'TABLERO_ERR_WRONG_PASSWORD', message: 'the current password is wrong' });
    expect(await status(s)).toBe(200);
    expect((await attempt('tito', PASSWORD, '10.6.0.2')).statusCode).toBe(200);
    expect((await auditSince(t0)).filter((r) => r.action === 'login_failed')).toEqual([
      { actor: 'tito', action: 'login_failed', target: 'tito', address: '10.6.0.1', detail: { via: 'password_change' } },
    ]);
  });

  it.each<[string, Record<string, unknown>, string, Record<string, unknown>]>([
    ['an admin password reset', { password: 'reseteada por admin' }, 'password_reset', { ended_sessions: 2, closed_sockets: 1 }],
    ['a role change', { role: 'manager' }, 'role_changed', { from: 'supervisor', to: 'manager', before: { role: 'supervisor' }, after: { role: 'manager' }, ended_sessions: 2, closed_sockets: 1 }],
    ['disabling the account', { disabled: true }, 'user_disabled', { before: { disabled: false }, after: { disabled: true }, ended_sessions: 2, closed_sockets: 1 }],
  ])('%s ends every session and socket of the user', async (_name, body, action, detail) => {
    const t0 = nextHour();
    const username = `u-${action}`;
    await createUser(db.ch, { username, password: PASSWORD, role: 'supervisor' });
    const a = await login(app, username);
    const b = await login(app, username);
    const live = await openLive(app, a.cookie);
    const res = await app.inject({ method: 'PATCH', url: `/api/users/${username}`, headers: headersOf(admin), payload: body, remoteAddress: '10.7.0.1' });
    expect(res.statusCode).toBe(200);
    expect(await live.closed).toEqual({ code: 1008, reason: 'account changed' });
    expect([await status(a), await status(b)]).toEqual([401, 401]);
    expect(await auditSince(t0)).toContainEqual({ actor: 'ana', action, target: username, address: '10.7.0.1', detail });
  });

  it("an admin's change of their own password keeps their session and ends their other one", async () => {
    const t0 = nextHour();
    await createUser(db.ch, { username: 'jefa', password: PASSWORD, role: 'admin' });
    const here = await login(app, 'jefa');
    const there = await login(app, 'jefa');
    const res = await app.inject({ method: 'PATCH', url: '/api/users/jefa', headers: headersOf(here), payload: { password: 'la clave nueva de la jefa' }, remoteAddress: '10.8.0.1' });
    expect(res.statusCode).toBe(200);
    expect([await status(here), await status(there)]).toEqual([200, 401]);
    expect((await auditSince(t0)).filter((r) => r.action === 'password_changed')).toEqual([
      { actor: 'jefa', action: 'password_changed', target: 'jefa', address: '10.8.0.1', detail: { ended_sessions: 1, closed_sockets: 0 } },
    ]);
  });

  it('a session ended by another dashboard process closes its socket here at the next heartbeat', async () => {
    nextHour();
    const beating = await buildApp(deps(), options({ wsHeartbeatMs: 50 }));
    try {
      await createUser(db.ch, { username: 'otro-proceso', password: PASSWORD, role: 'manager' });
      const s = await login(beating, 'otro-proceso');
      const live = await openLive(beating, s.cookie);
      // What another process's password change writes to the shared store.
      expect(await endUserSessions(db.ch, 'otro-proceso', 'password_changed', clock)).toBe(1);
      expect(await live.closed).toEqual({ code: 1008, reason: 'session ended' });
    } finally {
      await beating.close();
    }
  });
});

describe('sessions in the store', () => {
  it('a logout holds for a new app on the same store (a restart): the old cookie is refused', async () => {
    nextHour();
    const kept = await login(app, 'mario');
    const out = await login(app, 'mario');
    const t0 = clock;
    expect((await app.inject({ method: 'POST', url: '/api/logout', headers: headersOf(out), remoteAddress: '10.9.0.1' })).statusCode).toBe(204);
    expect((await auditSince(t0)).filter((r) => r.action === 'logout')).toEqual([
      { actor: 'mario', action: 'logout', target: 'mario', address: '10.9.0.1', detail: {} },
    ]);
    const restarted = await buildApp(deps(), options());
    try {
      expect([await status(kept, restarted), await status(out, restarted)]).toEqual([200, 401]);
    } finally {
      await restarted.close();
    }
  });
});
