// Sessions live in the store, not in the process (issue 14): with the real `tablero start` on one
// data directory, a logged-out cookie stays refused after a restart while a session that was not
// logged out still works; and a password change over HTTP closes the user's other live socket on
// a real port at once, the server sending the close.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTablero, type TableroProcess } from '../support/tablero-process.ts';

let dataDir: string;
let tablero: TableroProcess;

interface Session {
  cookie: string;
  csrf: string;
}

async function logIn(url: string, username: string, password: string): Promise<Session> {
  const res = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  expect(res.status).toBe(200);
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] as string, csrf: ((await res.json()) as { csrf: string }).csrf };
}

async function meStatus(url: string, s: Session): Promise<number> {
  const res = await fetch(`${url}/api/me`, { headers: { cookie: s.cookie } });
  await res.arrayBuffer();
  return res.status;
}

function post(url: string, path: string, s: Session, body?: unknown): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tablero-sessions-'));
  tablero = await startTablero({ args: ['--no-simulate'], dataDir });
}, 90_000);

afterAll(async () => {
  await tablero?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('sessions across a restart of tablero start', () => {
  it('a logged-out cookie is refused after the restart; a live session is kept', async () => {
    const password = tablero.admin.password;
    const out = await logIn(tablero.url, 'admin', password);
    const kept = await logIn(tablero.url, 'admin', password);
    expect((await post(tablero.url, '/api/logout', out)).status).toBe(204);
    expect(await meStatus(tablero.url, out)).toBe(401);

    await tablero.stop();
    tablero = await startTablero({ args: ['--no-simulate'], dataDir });
    expect([await meStatus(tablero.url, out), await meStatus(tablero.url, kept)]).toEqual([401, 200]);
  }, 120_000);

  it('a password change closes the other session\'s socket on a real port at once and ends that session', async () => {
    const password = tablero.admin.password;
    const mine = await logIn(tablero.url, 'admin', password);
    const other = await logIn(tablero.url, 'admin', password);
    const ws = new WebSocket(`${tablero.url.replace('http', 'ws')}/ws/live`, { origin: tablero.url, headers: { cookie: other.cookie } });
    const hello = new Promise<string>((resolve) => ws.once('message', (d) => resolve(String(d))));
    const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    expect(await hello).toContain('"type":"hello"');

    const res = await post(tablero.url, '/api/me/password', mine, { current_password: password, new_password: 'la nueva clave del admin' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ended_sessions: 2, closed_sockets: 1 });
    // Closed by the change itself: the heartbeat (every 30 s) would close it as 'session ended'.
    expect(await closed).toEqual({ code: 1008, reason: 'account changed' });
    expect([await meStatus(tablero.url, mine), await meStatus(tablero.url, other)]).toEqual([200, 401]);
  }, 60_000);
});
