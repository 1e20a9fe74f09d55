// GET /metrics on the dashboard (issue 19): who may read it (the scraper's token or an admin
// session; 401 without credentials, 403 for other roles), the Prometheus text format, and the
// live WebSocket clients of this app counted at scrape time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { sha256Hex } from './store/auth-store.ts';
import { SECRET, TestBus, captureLog, loginEachRole, openTestDb, seedUsers, type TestDb, type Who } from './testing/support.ts';

const METRICS_TOKEN = 'metrics-token-of-the-scraper-0123';
const HOST = 'localhost:8080';

let db: TestDb;
let app: FastifyInstance;
let as: (who: Who) => Record<string, string>;

beforeAll(async () => {
  db = await openTestDb();
  await seedUsers(db.ch);
  app = await buildApp({ bus: new TestBus(), ch: db.ch, log: captureLog().log, queryKpis: async () => [] }, { sessionSecret: SECRET, metricsTokenHash: sha256Hex(METRICS_TOKEN) });
  as = await loginEachRole(app);
});

afterAll(async () => {
  await app?.close();
  await db?.cleanup();
});

const scrape = (headers: Record<string, string>) => app.inject({ method: 'GET', url: '/metrics', headers });
const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/** The value of one sample line (`name{labels} value`), or null when absent. */
function sample(text: string, series: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? null : Number(line.slice(series.length + 1));
}

describe('who may read /metrics', () => {
  it.each([
    ['nobody', {}, 401, 'TABLERO_ERR_UNAUTHENTICATED'],
    ['a wrong token', bearer('metrics-token-of-someone-else-01'), 401, 'TABLERO_ERR_UNAUTHENTICATED'],
    ['an ingest source token shape', bearer('x'), 401, 'TABLERO_ERR_UNAUTHENTICATED'],
  ])('%s: 401', async (_who, headers, status, code) => {
    const res = await scrape(headers);
    expect([res.statusCode, res.json()]).toEqual([status, { code, message: expect.any(String) }]);
  });

  it.each(['manager', 'supervisor', 'qa_analyst'] as const)('a %s session: 403', async (role) => {
    const res = await scrape(as(role));
    expect([res.statusCode, (res.json() as { code: string }).code]).toEqual([403, 'TABLERO_ERR_FORBIDDEN']);
  });

  it.each([
    ['the scraper token', () => bearer(METRICS_TOKEN)],
    ['an admin session', () => as('admin')],
  ])('%s: 200 in the Prometheus text format', async (_who, headers) => {
    const res = await scrape(headers());
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    // Process defaults and every Tablero family are declared.
    for (const family of [
      'process_cpu_user_seconds_total counter',
      'nodejs_eventloop_lag_seconds gauge',
      'tablero_lines_total counter',
      'tablero_consumer_lag gauge',
      'tablero_consumer_pending gauge',
      'tablero_commit_seconds histogram',
      'tablero_partitions_owned gauge',
      'tablero_websocket_clients gauge',
      'tablero_export_jobs gauge',
    ]) {
      expect(res.body).toContain(`# TYPE ${family}\n`);
    }
  });

  it('an app without a scraper token answers admins only', async () => {
    const other = await buildApp({ bus: new TestBus(), ch: db.ch, log: captureLog().log, queryKpis: async () => [] }, { sessionSecret: SECRET });
    try {
      const adminCookie = as('admin');
      expect((await other.inject({ method: 'GET', url: '/metrics', headers: bearer(METRICS_TOKEN) })).statusCode).toBe(401);
      expect((await other.inject({ method: 'GET', url: '/metrics', headers: adminCookie })).statusCode).toBe(200);
    } finally {
      await other.close();
    }
  });
});

describe('what /metrics counts', () => {
  it('live WebSocket clients, at scrape time', async () => {
    const before = sample((await scrape(bearer(METRICS_TOKEN))).body, 'tablero_websocket_clients');
    expect(before).toBe(0);
    await app.ready();
    const ws = await app.injectWS('/ws/live', { headers: { host: HOST, ...as('supervisor') } });
    try {
      expect(sample((await scrape(bearer(METRICS_TOKEN))).body, 'tablero_websocket_clients')).toBe(1);
    } finally {
      ws.terminate();
    }
  });

  it('the export render queue: nothing running or waiting', async () => {
    const body = (await scrape(bearer(METRICS_TOKEN))).body;
    expect([sample(body, 'tablero_export_jobs{state="running"}'), sample(body, 'tablero_export_jobs{state="waiting"}')]).toEqual([0, 0]);
  });
});
