// The live WebSocket: authentication and Origin before the handshake, kiosk tokens and their
// revocation, fan-out of one bus message as identical bytes to every client, snapshots for late
// joiners, the slow-client cut-off, a real port with a real `ws` client and shutdown order, and
// the processor's supervisor view: kept per site, served by GET /api/live/supervisor and
// forwarded on /ws/live, caller numbers masked by the server for roles that do not see them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { KPI_SUBJECT_WILDCARD, LIVE_RESYNC_SUBJECT, kpiSubject, supervisorSubject, type QueueSnapshot, type SupervisorMessage } from '@tablero/processor/contract';
import { buildApp } from './app.ts';
import { SESSION_TTL_MS } from './core/session.ts';
import { startDashboard } from './start.ts';
import { createKioskToken, revokeKioskToken, sha256Hex } from './store/auth-store.ts';
import type { DashboardDeps, DashboardOptions } from './types.ts';
import { SECRET, TestBus, captureLog, login, openTestDb, seedUsers, type CapturedLog, type LoggedIn, type TestDb } from './testing/support.ts';

let db: TestDb;
let bus: TestBus;
let logs: CapturedLog;
let app: FastifyInstance;
let sofia: LoggedIn;
let ana: LoggedIn;
const NOW = Date.UTC(2026, 9, 1, 15, 30);
const HOST = 'localhost:8080';

function deps(over: Partial<DashboardDeps> = {}): DashboardDeps {
  return { bus, ch: db.ch, log: logs.log, now: () => NOW, queryKpis: async () => [], ...over };
}
const options = (over: Partial<DashboardOptions> = {}): DashboardOptions => ({ sessionSecret: SECRET, ...over });

beforeAll(async () => {
  db = await openTestDb();
  await seedUsers(db.ch);
  bus = new TestBus();
  logs = captureLog();
  app = await buildApp(deps(), options({ allowedOrigins: ['http://localhost:5173'] }));
  sofia = await login(app, 'sofia');
  ana = await login(app, 'ana');
});

afterAll(async () => {
  await app?.close();
  await db?.cleanup();
});

interface Client {
  ws: WebSocket;
  messages: string[];
  closed: Promise<{ code: number; reason: string }>;
}

function track(ws: WebSocket, messages: string[]): Promise<{ code: number; reason: string }> {
  ws.on('message', (data, isBinary) => {
    expect(isBinary).toBe(false);
    messages.push(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'));
  });
  return new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

async function open(target: FastifyInstance, path: string, headers: Record<string, string>): Promise<Client> {
  const messages: string[] = [];
  let closed: Client['closed'] | null = null;
  // injectWS, unlike inject, does not load the plugins itself.
  await target.ready();
  const ws = await target.injectWS(path, { headers: { host: HOST, ...headers } }, {
    onInit: (socket) => {
      closed = track(socket, messages);
    },
  });
  return { ws, messages, closed: closed as unknown as Client['closed'] };
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function snapshot(site: string, queue: string, waiting: number): QueueSnapshot {
  const figures = {
    offered: 10, answered: 8, answered_within: 7, unanswered: 2, abandoned: 2, timeout: 0, exit_key: 0,
    exit_empty: 0, withdrawn: 0, failed: 0, refused: 0, short_abandoned: 0, out_of_hours: 0, sl_pct: 70,
    abandon_rate_pct: 20, unanswered_rate_pct: 20, asa_s: 12.5, avg_abandon_wait_s: 30, aht_s: 180,
    longest_wait_s: 95,
  };
  return {
    type: 'kpi', site, queue, at_ms: NOW, data_ts: NOW / 1000,
    definition: { formula: 'offered', threshold_s: 20, strict: false, short_abandon_s: 0, tz: 'America/La_Paz' },
    target_pct: 80, windows: { today: figures, interval: figures, last_60m: figures },
    waiting_now: waiting, longest_current_wait_s: waiting > 0 ? 15 : null, talking_now: 3,
    agents: { logged_in: 5, available: 1, on_call: 3, paused: 1 }, sl_series: [],
  };
}

const hello = (user: { username: string; role: string; lang: string } | null, sites: string[] = [], site: string | null = null) =>
  JSON.stringify({ type: 'hello', user, kiosk: user === null, server_time_ms: NOW, site, sites });

describe('handshake', () => {
  it('refuses an upgrade without a session or kiosk token with 401', async () => {
    await expect(app.injectWS('/ws/live', { headers: { host: HOST } })).rejects.toThrow('Unexpected server response: 401');
  });

  it.each(['http://evil.example', 'http://localhost:8081', 'null'])('refuses Origin %s with 403', async (origin) => {
    await expect(app.injectWS('/ws/live', { headers: { host: HOST, cookie: sofia.cookie, origin } })).rejects.toThrow(
      'Unexpected server response: 403',
    );
  });

  it('accepts a session from the same host or an allowed origin, and greets the user', async () => {
    for (const origin of [`http://${HOST}`, 'http://localhost:5173']) {
      const c = await open(app, '/ws/live', { cookie: sofia.cookie, origin });
      await waitFor(() => c.messages.length >= 1, 'hello');
      expect(c.messages[0]).toBe(hello({ username: 'sofia', role: 'supervisor', lang: 'es' }));
      c.ws.close();
      await c.closed;
    }
  });

  it('accepts a kiosk token without login, refuses unknown and revoked ones', async () => {
    const token = await createKioskToken(db.ch, 'TV 1', 'ana');
    const c = await open(app, `/ws/live?kiosk=${token}`, { origin: `http://${HOST}` });
    await waitFor(() => c.messages.length >= 1, 'hello');
    expect(c.messages[0]).toBe(hello(null));
    c.ws.close();
    await c.closed;
    await expect(app.injectWS('/ws/live?kiosk=not-a-token', { headers: { host: HOST } })).rejects.toThrow('Unexpected server response: 401');
    await revokeKioskToken(db.ch, token);
    await expect(app.injectWS(`/ws/live?kiosk=${token}`, { headers: { host: HOST } })).rejects.toThrow('Unexpected server response: 401');
    // The token travels in the query string; it must never reach the log.
    expect(logs.lines.join('\n')).not.toContain(token);
  });

  it('closes open sockets of a kiosk token when an admin revokes it', async () => {
    const token = await createKioskToken(db.ch, 'TV 2', 'ana');
    const c = await open(app, `/ws/live?kiosk=${token}`, {});
    const res = await app.inject({ method: 'DELETE', url: `/api/kiosk-tokens/${sha256Hex(token)}`, headers: { cookie: ana.cookie, 'x-csrf-token': ana.csrf } });
    expect(res.statusCode).toBe(204);
    expect(await c.closed).toEqual({ code: 1008, reason: 'kiosk token revoked' });
  });

  it('closes the sockets of a session at logout', async () => {
    const s = await login(app, 'mario');
    const c = await open(app, '/ws/live', { cookie: s.cookie });
    await waitFor(() => c.messages.length >= 1, 'hello');
    expect((await app.inject({ method: 'POST', url: '/api/logout', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } })).statusCode).toBe(204);
    expect(await c.closed).toEqual({ code: 1008, reason: 'logged out' });
  });
});

describe('fan-out', () => {
  it('asks the processors for the whole picture once, right after subscribing (issue 19)', async () => {
    const asked: number[] = [];
    const own = new TestBus();
    own.listen(LIVE_RESYNC_SUBJECT, () => asked.push(own.listeners.filter((l) => l.subject === KPI_SUBJECT_WILDCARD).length));
    const fresh = await buildApp(deps({ bus: own }), options());
    try {
      // Asked once, with its `kpi.>` subscription already in place (the answers are not missed).
      expect(asked).toEqual([1]);
    } finally {
      await fresh.close();
    }
  });

  it('subscribes once and sends one bus message as the same string to every client', async () => {
    const token = await createKioskToken(db.ch, 'TV 3', 'ana');
    const clients = [
      await open(app, '/ws/live', { cookie: sofia.cookie }),
      await open(app, '/ws/live', { cookie: ana.cookie }),
      await open(app, `/ws/live?kiosk=${token}`, {}),
    ];
    await waitFor(() => clients.every((c) => c.messages.length >= 1), 'hellos');
    const before = clients.map((c) => c.messages.length);
    expect(bus.listeners.map((l) => l.subject)).toEqual([KPI_SUBJECT_WILDCARD]);

    const text = JSON.stringify({ type: 'snapshots', site: 'fan', queues: [snapshot('fan', '101', 2)] });
    bus.emit(kpiSubject('fan'), text);
    await waitFor(() => clients.every((c, i) => c.messages.length === (before[i] as number) + 1), 'fan-out');
    for (const c of clients) expect(c.messages.at(-1)).toBe(text);

    // Garbage on the bus reaches nobody; the next good message does.
    bus.emit(kpiSubject('fan'), 'not json');
    bus.emit(kpiSubject('fan'), new Uint8Array([0x7b, 0xff, 0x7d]));
    const alert = JSON.stringify({ type: 'alert', site: 'fan', queue: '101', level: 'red' });
    bus.emit('kpi.alert.fan', alert);
    await waitFor(() => clients.every((c, i) => c.messages.length === (before[i] as number) + 2), 'alert');
    for (const c of clients) expect(c.messages.at(-1)).toBe(alert);
    for (const c of clients) c.ws.close();
    await Promise.all(clients.map((c) => c.closed));
  });

  it('greets a late joiner with the newest snapshot of every queue, per site, merged from the partial messages', async () => {
    // Paced per site, each message carries only the queues of its site that changed.
    bus.emit(kpiSubject('lpz'), JSON.stringify({ type: 'snapshots', site: 'lpz', queues: [snapshot('lpz', '200', 1), snapshot('lpz', '100', 4)] }));
    bus.emit(kpiSubject('lpz'), JSON.stringify({ type: 'snapshots', site: 'lpz', queues: [snapshot('lpz', '200', 7)] }));
    bus.emit(kpiSubject('lpz'), JSON.stringify({ type: 'snapshots', site: 'lpz', queues: [] }));
    const c = await open(app, '/ws/live', { cookie: sofia.cookie });
    await waitFor(() => c.messages.length >= 3, 'hello and snapshots');
    expect(c.messages.slice(1).map((m) => JSON.parse(m) as unknown)).toEqual([
      { type: 'snapshots', site: 'fan', queues: [snapshot('fan', '101', 2)] },
      { type: 'snapshots', site: 'lpz', queues: [snapshot('lpz', '100', 4), snapshot('lpz', '200', 7)] },
    ]);
    c.ws.close();
    await c.closed;
  });
});

describe('scope (issue 19)', () => {
  it('a kiosk link made for one site and one queue receives that queue of that site alone; an unscoped socket the bus bytes', async () => {
    const made = await app.inject({
      method: 'POST', url: '/api/kiosk-tokens', headers: { cookie: ana.cookie, 'x-csrf-token': ana.csrf },
      payload: { label: 'TV lpz 100', sites: ['lpz'], queues: ['100', '100'] },
    });
    expect(made.statusCode).toBe(201);
    const body = made.json() as { token: string; sites: string[]; queues: string[] };
    expect([body.sites, body.queues]).toEqual([['lpz'], ['100']]);
    const bad = await app.inject({
      method: 'POST', url: '/api/kiosk-tokens', headers: { cookie: ana.cookie, 'x-csrf-token': ana.csrf },
      payload: { label: 'TV', sites: ['la paz'] },
    });
    expect(bad.statusCode).toBe(400);
    const kiosk = await open(app, `/ws/live?kiosk=${body.token}`, {});
    const admin = await open(app, '/ws/live', { cookie: ana.cookie });
    await waitFor(() => kiosk.messages.length >= 1 && admin.messages.length >= 1, 'hellos');
    expect(JSON.parse(kiosk.messages[0] as string)).toMatchObject({ type: 'hello', kiosk: true, site: null, sites: ['lpz'] });
    // The greeting: lpz's queue 100 as the earlier tests left it, nothing of fan.
    await waitFor(() => kiosk.messages.length >= 2, 'greeting');
    expect(kiosk.messages.slice(1).map((m) => JSON.parse(m) as unknown)).toEqual([{ type: 'snapshots', site: 'lpz', queues: [snapshot('lpz', '100', 4)] }]);
    const [k0, a0] = [kiosk.messages.length, admin.messages.length];
    const lpz = JSON.stringify({ type: 'snapshots', site: 'lpz', queues: [snapshot('lpz', '100', 9), snapshot('lpz', '200', 9)] });
    bus.emit(kpiSubject('lpz'), lpz);
    bus.emit(kpiSubject('scz'), JSON.stringify({ type: 'snapshots', site: 'scz', queues: [snapshot('scz', '100', 9)] }));
    bus.emit(kpiSubject('lpz'), JSON.stringify({ type: 'snapshots', site: 'lpz', queues: [snapshot('lpz', '200', 10)] }));
    await waitFor(() => admin.messages.length >= a0 + 3, 'three updates for the admin');
    await new Promise((r) => setTimeout(r, 50));
    expect(kiosk.messages.slice(k0)).toEqual([JSON.stringify({ type: 'snapshots', site: 'lpz', queues: [snapshot('lpz', '100', 9)] })]);
    expect(admin.messages[a0]).toBe(lpz);
    for (const c of [kiosk, admin]) {
      c.ws.close();
      await c.closed;
    }
  });

  it("a supervisor's new queue list closes their sockets as going away, to reconnect under it", async () => {
    const c = await open(app, '/ws/live', { cookie: sofia.cookie });
    await waitFor(() => c.messages.length >= 1, 'hello');
    const queues = (list: string[]) => app.inject({ method: 'PATCH', url: '/api/users/sofia', headers: { cookie: ana.cookie, 'x-csrf-token': ana.csrf }, payload: { queues: list } });
    try {
      expect((await queues(['100'])).statusCode).toBe(200);
      expect(await c.closed).toEqual({ code: 1001, reason: 'scope changed' });
      const again = await open(app, '/ws/live', { cookie: sofia.cookie });
      await waitFor(() => again.messages.length >= 3, 'hello and greeting');
      // Queue 100 in every site (a queue list holds in every site), nothing else.
      const shown = again.messages.slice(1).flatMap((m) => {
        const f = JSON.parse(m) as { site: string; queues: Array<{ queue: string }> };
        return f.queues.map((q) => `${f.site}/${q.queue}`);
      });
      expect(shown).toEqual(['lpz/100', 'scz/100']);
      again.ws.close();
      await again.closed;
    } finally {
      await queues([]);
    }
  });
});

describe('slow clients', () => {
  it('cuts off a client that stops reading while others keep receiving', async () => {
    const limit = 64 * 1024;
    const slowApp = await buildApp(deps(), options({ wsMaxBufferedBytes: limit }));
    try {
      const fast = await open(slowApp, '/ws/live', { cookie: sofia.cookie });
      const slow = await open(slowApp, '/ws/live', { cookie: ana.cookie });
      await waitFor(() => fast.messages.length >= 1 && slow.messages.length >= 1, 'hellos');
      slow.ws.pause();
      const big = JSON.stringify({ type: 'filler', pad: 'x'.repeat(10_000) });
      const count = 60;
      for (let i = 0; i < count; i++) {
        bus.emit(kpiSubject('slow'), big);
        // Let the streams move between messages, as a real publisher's pace would.
        await new Promise((r) => setImmediate(r));
      }
      await waitFor(() => fast.messages.length === 1 + count, 'the fast client to get every message');
      slow.ws.resume();
      const closed = await slow.closed;
      expect(closed).toEqual({ code: 1013, reason: 'too slow' });
      // It got what was buffered before the cut-off, bounded by the limit (+ one message), not all.
      const received = slow.messages.length - 1;
      expect(received).toBeGreaterThan(0);
      expect(received).toBeLessThan(count);
      expect(fast.ws.readyState).toBe(WebSocket.OPEN);
      fast.ws.close();
      await fast.closed;
    } finally {
      await slowApp.close();
    }
  });
});

describe('heartbeat', () => {
  let clock = NOW;
  let beating: FastifyInstance;
  beforeAll(async () => {
    // Long enough that a pong always lands within one beat, even while embedded ClickHouse
    // (which runs on this thread) holds the event loop; short enough to keep the tests quick.
    beating = await buildApp(deps({ now: () => clock }), options({ wsHeartbeatMs: 200 }));
  });
  afterAll(async () => {
    await beating.close();
  });

  it('closes a socket when its session expires', async () => {
    const s = await login(beating, 'quique');
    const c = await open(beating, '/ws/live', { cookie: s.cookie });
    await waitFor(() => c.messages.length >= 1, 'hello');
    clock += SESSION_TTL_MS;
    expect(await c.closed).toEqual({ code: 1008, reason: 'session expired' });
  });

  it('closes kiosk sockets whose token was revoked elsewhere', async () => {
    const token = await createKioskToken(db.ch, 'TV 4', 'ana');
    const c = await open(beating, `/ws/live?kiosk=${token}`, {});
    await waitFor(() => c.messages.length >= 1, 'hello');
    // Straight in the store, as the CLI or another server process would.
    await revokeKioskToken(db.ch, token);
    expect(await c.closed).toEqual({ code: 1008, reason: 'kiosk token revoked' });
  });

  it('drops a peer that stops answering pings', async () => {
    const token = await createKioskToken(db.ch, 'TV 5', 'ana');
    const c = await open(beating, `/ws/live?kiosk=${token}`, {});
    await waitFor(() => c.messages.length >= 1, 'hello');
    c.ws.pause();
    await waitFor(() => beating.websocketServer.clients.size === 0, 'the server to drop the silent peer');
    c.ws.resume();
    expect((await c.closed).code).toBe(1006);
  });
});

describe('on a real port', () => {
  it('serves a real ws client end to end and closes it before the server stops', async () => {
    const running = await startDashboard(deps(), { ...options(), port: 0, host: '127.0.0.1' });
    let closedAt = 0;
    let serverClosedAt = 0;
    try {
      const loginRes = await fetch(`${running.url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'sofia', password: 'correct horse battery' }),
      });
      expect(loginRes.status).toBe(200);
      const cookie = (loginRes.headers.get('set-cookie') ?? '').split(';')[0] as string;
      expect(cookie).toMatch(/^tablero_session=v1\./);

      const wsUrl = `${running.url.replace('http://', 'ws://')}/ws/live`;
      const refused = new WebSocket(wsUrl);
      const status = await new Promise<number>((resolve) =>
        refused.on('unexpected-response', (req, res) => {
          // With this listener, ending the refused request is ours to do.
          req.destroy();
          resolve(res.statusCode ?? 0);
        }),
      );
      expect(status).toBe(401);

      const ws = new WebSocket(wsUrl, { headers: { cookie, origin: running.url } });
      const messages: string[] = [];
      const closed = track(ws, messages).then((c) => {
        closedAt = performance.now();
        return c;
      });
      await waitFor(() => messages.length >= 1, 'hello over the network');
      expect(messages[0]).toBe(hello({ username: 'sofia', role: 'supervisor', lang: 'es' }));
      const text = JSON.stringify({ type: 'snapshots', site: 'net', queues: [snapshot('net', '300', 9)] });
      bus.emit(kpiSubject('net'), text);
      await waitFor(() => messages.at(-1) === text, 'a live message over the network');

      await running.close();
      serverClosedAt = performance.now();
      expect(await closed).toEqual({ code: 1001, reason: 'server shutting down' });
      expect(closedAt).toBeGreaterThan(0);
      expect(closedAt).toBeLessThanOrEqual(serverClosedAt);
    } finally {
      await running.close();
    }
  });
});

describe('supervisor view', () => {
  const S = NOW / 1000;
  function view(site: string, waitingCaller: string, abandonedCaller: string): SupervisorMessage {
    return {
      type: 'supervisor', site, at_ms: NOW - 300, data_ts: S - 1,
      agents: [{ site, agent: 'Ana', queues: ['101'], state: 'on_call', since_s: S - 100, pause_reason: '', call: { queue: '101', callid: 'c1', since_s: S - 100 }, answered_today: 2 }],
      waiting: [{ site, queue: '101', callid: `w-${site}`, caller: waitingCaller, enter_s: S - 60 }],
      abandoned: [{ site, queue: '101', callid: `a-${site}`, caller: abandonedCaller, enter_s: S - 900, end_s: S - 870, wait_s: 30, answered_after: false }],
      stale_calls: [{ site, queue: '101', callid: `s-${site}`, enter_s: S - 5 * 3600, last_event_s: S - 5 * 3600, reason: 'no_event_for_horizon' }],
    };
  }
  const masked = (m: SupervisorMessage, waiting: string, abandoned: string): SupervisorMessage => ({
    ...m,
    waiting: m.waiting.map((w) => ({ ...w, caller: waiting })),
    abandoned: m.abandoned.map((a) => ({ ...a, caller: abandoned })),
  });

  it('masks callers per role on the socket and over HTTP: a supervisor sees them, a QA analyst and a kiosk do not', async () => {
    const sbus = new TestBus();
    const sapp = await buildApp(deps({ bus: sbus }), options());
    try {
      const sup = await login(sapp, 'sofia');
      const qa = await login(sapp, 'quique');
      const token = await createKioskToken(db.ch, 'TV sup', 'ana');
      const clients = [
        await open(sapp, '/ws/live', { cookie: sup.cookie }),
        await open(sapp, '/ws/live', { cookie: qa.cookie }),
        await open(sapp, `/ws/live?kiosk=${token}`, {}),
      ];
      await waitFor(() => clients.every((c) => c.messages.length === 1), 'hellos');

      const lpz = view('lpz', '70012345', '3001234567');
      const text = JSON.stringify(lpz);
      sbus.emit(supervisorSubject('lpz'), text);
      // A "supervisor" message without its lists is not forwarded (its callers could be unmasked).
      sbus.emit(supervisorSubject('lpz'), JSON.stringify({ type: 'supervisor', site: 'lpz', at_ms: NOW, waiting: [{ caller: '70012345' }] }));
      await waitFor(() => clients.every((c) => c.messages.length === 2), 'the supervisor view');
      const [forSup, forQa, forKiosk] = clients.map((c) => c.messages[1] as string);
      expect(forSup).toBe(text);
      expect(JSON.parse(forQa as string)).toEqual(masked(lpz, '*****345', '*******567'));
      expect(forKiosk).toBe(forQa);

      // A late joiner gets the newest view of each site at once, masked for its role.
      sbus.emit(supervisorSubject('cbba'), JSON.stringify(view('cbba', '+59170000001', '')));
      const lateQa = await open(sapp, '/ws/live', { cookie: qa.cookie });
      await waitFor(() => lateQa.messages.length === 3, 'welcome frames');
      expect(lateQa.messages.slice(1).map((m) => JSON.parse(m) as SupervisorMessage)).toEqual([
        masked(view('cbba', '', ''), '*********001', ''),
        masked(lpz, '*****345', '*******567'),
      ]);

      // GET /api/live/supervisor: both sites in one answer, server time, the same masking.
      const get = async (cookie: string) => (await sapp.inject({ method: 'GET', url: '/api/live/supervisor', headers: { cookie } })).json() as unknown;
      const cbba = view('cbba', '+59170000001', '');
      const both = {
        at_ms: NOW,
        agents: [...cbba.agents, ...lpz.agents],
        waiting: [...cbba.waiting, ...lpz.waiting],
        abandoned: [...cbba.abandoned, ...lpz.abandoned],
      };
      expect(await get(sup.cookie)).toEqual(both);
      expect(await get(qa.cookie)).toEqual({
        ...both,
        waiting: [{ ...cbba.waiting[0], caller: '*********001' }, { ...lpz.waiting[0], caller: '*****345' }],
        abandoned: [{ ...cbba.abandoned[0], caller: '' }, { ...lpz.abandoned[0], caller: '*******567' }],
      });
      for (const c of [...clients, lateQa]) c.ws.close();
      await Promise.all([...clients, lateQa].map((c) => c.closed));
    } finally {
      await sapp.close();
    }
  });
});
