// Runs the API client against a real HTTP server on a random port and checks what it sent.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, apiErrorFrom, createApi, parseMe, setCsrfRefresher } from './api.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
interface Reply {
  status: number;
  body: string;
  type?: string;
}

let server: Server;
let base = '';
const seen: Seen[] = [];
let next: Reply = { status: 200, body: '' };
/** Answers used before `next`, one per request. */
const queued: Reply[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      const reply = queued.shift() ?? next;
      res.writeHead(reply.status, { 'content-type': reply.type ?? 'application/json' });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen.length = 0;
  queued.length = 0;
  setCsrfRefresher(null);
});

const ME = { username: 'ana', role: 'supervisor', lang: 'es', csrf: 'tok-1' };

describe('createApi against a real server', () => {
  it('me() returns the user on 200 and null on 401', async () => {
    const api = createApi(base);
    next = { status: 200, body: JSON.stringify({ ...ME, extra: true }) };
    expect(await api.me()).toEqual(ME);
    next = { status: 401, body: JSON.stringify({ code: 'TABLERO_ERR_UNAUTHENTICATED', message: 'log in' }) };
    expect(await api.me()).toBeNull();
    expect(seen.map((s) => [s.method, s.url, s.headers['x-csrf-token'], s.headers['content-type']])).toEqual([
      ['GET', '/api/me', undefined, undefined],
      ['GET', '/api/me', undefined, undefined],
    ]);
  });

  it('login() posts JSON credentials and returns the user', async () => {
    next = { status: 200, body: JSON.stringify(ME) };
    expect(await createApi(base).login('ana', 'sécret 1')).toEqual(ME);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.method).toBe('POST');
    expect(seen[0]?.url).toBe('/api/login');
    expect(seen[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({ username: 'ana', password: 'sécret 1' });
  });

  it.each([
    [401, { code: 'TABLERO_ERR_BAD_CREDENTIALS', message: 'wrong username or password' }, 'TABLERO_ERR_BAD_CREDENTIALS', 'wrong username or password'],
    [429, { code: 'TABLERO_ERR_RATE_LIMITED', message: 'slow down' }, 'TABLERO_ERR_RATE_LIMITED', 'slow down'],
    [500, { code: 'TABLERO_ERR_INTERNAL' }, 'TABLERO_ERR_INTERNAL', 'TABLERO_ERR_INTERNAL'],
  ])('login() failing with %d throws ApiError %s', async (status, body, code, message) => {
    next = { status, body: JSON.stringify(body) };
    const err = await createApi(base).login('ana', 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ name: 'ApiError', status, code, message });
  });

  it('an error page that is not JSON still becomes an ApiError with the status', async () => {
    next = { status: 502, body: '<html>Bad gateway</html>', type: 'text/html' };
    await expect(createApi(base).login('ana', 'x')).rejects.toMatchObject({ status: 502, code: 'HTTP_502' });
  });

  it('a 200 without the session fields is refused', async () => {
    next = { status: 200, body: JSON.stringify({ username: 'ana' }) };
    await expect(createApi(base).login('ana', 'x')).rejects.toMatchObject({ status: 200, code: 'BAD_ANSWER' });
    next = { status: 200, body: 'not json', type: 'text/plain' };
    await expect(createApi(base).me()).rejects.toMatchObject({ status: 200, code: 'BAD_JSON' });
  });

  it('logout() and setLang() send the CSRF token; logout has no body', async () => {
    const api = createApi(base);
    next = { status: 204, body: '' };
    await api.logout('tok-1');
    next = { status: 200, body: JSON.stringify({ ...ME, lang: 'en' }) };
    await api.setLang('tok-1', 'en');
    expect(seen.map((s) => [s.method, s.url, s.headers['x-csrf-token'], s.headers['content-type'], s.body])).toEqual([
      ['POST', '/api/logout', 'tok-1', undefined, ''],
      ['PATCH', '/api/me', 'tok-1', 'application/json', '{"lang":"en"}'],
    ]);
  });

  it('a write refused for a stale CSRF token is sent once more with the refresher\'s token', async () => {
    const asked: string[] = [];
    setCsrfRefresher(async (refused) => {
      asked.push(refused);
      return 'tok-2';
    });
    queued.push({ status: 403, body: JSON.stringify({ code: 'TABLERO_ERR_CSRF', message: 'missing or wrong x-csrf-token header' }) });
    next = { status: 201, body: JSON.stringify({ hash: 'h1' }) };
    expect(await createApi(base).send('POST', '/api/kiosk-tokens', 'tok-1', { label: 'TV' })).toEqual({ hash: 'h1' });
    expect(asked).toEqual(['tok-1']);
    expect(seen.map((s) => [s.method, s.url, s.headers['x-csrf-token'], s.body])).toEqual([
      ['POST', '/api/kiosk-tokens', 'tok-1', '{"label":"TV"}'],
      ['POST', '/api/kiosk-tokens', 'tok-2', '{"label":"TV"}'],
    ]);
  });

  it('a CSRF refusal stands when the refresher has no token, the same token, or refuses again', async () => {
    const refusal = { status: 403, body: JSON.stringify({ code: 'TABLERO_ERR_CSRF', message: 'missing or wrong x-csrf-token header' }) };
    next = refusal;
    setCsrfRefresher(async () => null);
    await expect(createApi(base).send('DELETE', '/api/kiosk-tokens/h1', 'tok-1')).rejects.toMatchObject({ status: 403, code: 'TABLERO_ERR_CSRF' });
    setCsrfRefresher(async (refused) => refused);
    await expect(createApi(base).send('DELETE', '/api/kiosk-tokens/h1', 'tok-1')).rejects.toMatchObject({ status: 403, code: 'TABLERO_ERR_CSRF' });
    // The retry is made once: a second refusal is the caller's error, not a loop.
    setCsrfRefresher(async () => 'tok-2');
    await expect(createApi(base).send('DELETE', '/api/kiosk-tokens/h1', 'tok-1')).rejects.toMatchObject({ status: 403, code: 'TABLERO_ERR_CSRF' });
    expect(seen.map((s) => s.headers['x-csrf-token'])).toEqual(['tok-1', 'tok-1', 'tok-1', 'tok-2']);
  });

  it('other refusals and reads never ask the refresher', async () => {
    let asked = 0;
    setCsrfRefresher(async () => {
      asked += 1;
      return 'tok-2';
    });
    next = { status: 403, body: JSON.stringify({ code: 'TABLERO_ERR_FORBIDDEN', message: 'no' }) };
    await expect(createApi(base).send('POST', '/api/users', 'tok-1', {})).rejects.toMatchObject({ status: 403, code: 'TABLERO_ERR_FORBIDDEN' });
    next = { status: 403, body: JSON.stringify({ code: 'TABLERO_ERR_CSRF', message: 'x' }) };
    await expect(createApi(base).get('/api/settings')).rejects.toMatchObject({ status: 403, code: 'TABLERO_ERR_CSRF' });
    expect(asked).toBe(0);
    expect(seen).toHaveLength(2);
  });

  it('an unreachable server is status 0, code NETWORK, with the cause kept', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = await createApi(`http://127.0.0.1:${port}`).me().catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 0, code: 'NETWORK', message: 'GET /api/me failed' });
    expect((err as ApiError).cause).toBeInstanceOf(Error);
  });
});

describe('parseMe', () => {
  it.each<[unknown, boolean]>([
    [ME, true],
    [{ ...ME, csrf: undefined }, false],
    [{ ...ME, role: 3 }, false],
    [null, false],
    [[ME], false],
  ])('%j -> valid %j', (v, ok) => {
    expect(parseMe(v)).toEqual(ok ? ME : null);
  });
});

describe('apiErrorFrom', () => {
  it.each<[number, unknown, string, string, Record<string, string | number>]>([
    [403, { code: 'TABLERO_ERR_FORBIDDEN', message: 'no' }, 'TABLERO_ERR_FORBIDDEN', 'no', {}],
    [400, { code: 'TABLERO_ERR_BAD_REQUEST' }, 'TABLERO_ERR_BAD_REQUEST', 'TABLERO_ERR_BAD_REQUEST', {}],
    [404, null, 'HTTP_404', 'HTTP 404', {}],
    [500, { message: 'no code' }, 'HTTP_500', 'HTTP 500', {}],
    // Extra fields of the answer are kept as details (objects and booleans are not).
    [429, { code: 'TABLERO_ERR_RATE_LIMIT', message: 'wait', retry_after_s: 30, nested: { a: 1 }, flag: true }, 'TABLERO_ERR_RATE_LIMIT', 'wait', { retry_after_s: 30 }],
    [400, { code: 'TABLERO_ERR_WEAK_PASSWORD', message: 'weak', reason: 'common' }, 'TABLERO_ERR_WEAK_PASSWORD', 'weak', { reason: 'common' }],
  ])('%d %j -> %s', (status, body, code, message, details) => {
    const err = apiErrorFrom(status, body);
    expect(err).toMatchObject({ status, code, message });
    expect(err.details).toEqual(details);
  });
});
