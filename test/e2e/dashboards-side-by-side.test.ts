// Several dashboards (issue 19), real processes on loopback: nats-server, ClickHouse as a server
// process (the chDB HTTP shim), `tablero ingest` tailing a queue_log, `tablero processor`, and two
// `tablero dashboard` processes on one store and one bus, as behind a load balancer.
// - A session made on one works on the other (sessions live in the store; both share
//   TABLERO_SESSION_SECRET), and a logout on one ends it on the other.
// - The same live data: a kiosk TV moved from one to the other gets the whole picture (every
//   queue, the same figures) in the frames that follow the hello, before any new snapshot.
// - The same exports: a month closed on one exports identically (closed, frozen) from both; a
//   schedule saved on one is listed on the other.
// - /metrics of every service, behind TABLERO_METRICS_TOKEN: lines per source (ingest), consumer
//   lag and commit latency (processor), WebSocket clients and pushed lines (dashboards).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { spawnChdbHttpServer, type ChdbHttpChild } from '../../bench/support/chdb-http-server.ts';
import { freePort, startNatsServer, type NatsServer } from '../support/nats-server.ts';
import { abandonedCall, answeredCall, appendLines } from '../support/queue-log-writer.ts';
import { runTablero, spawnTableroService, type TableroService } from '../support/tablero-process.ts';
import { waitFor } from '../support/wait-for.ts';
import { promSample } from '../support/metrics.ts';

const METRICS_TOKEN = 'scraper-token-side-by-side-0123';
const PUSH_TOKEN = 'push-token-side-by-side-012345';
const PASSWORD = 'una clave larga del admin';
const dirs: string[] = [];
const tmp = (prefix: string): string => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};

let nats: NatsServer;
let store: ChdbHttpChild;
let processor: TableroService;
let ingest: TableroService;
const dashboards: Array<{ service: TableroService; url: string }> = [];
let processorMetrics: string;
let ingestMetrics: string;
let queueLog: string;
let kioskToken: string;
let exportsDir: string;
let env: Record<string, string>;
const dashboardEnv = (port: number | string): Record<string, string> => ({ ...env, PORT: String(port), TABLERO_EXPORTS_DIR: exportsDir });
const nowS = Math.floor(Date.now() / 1000);

beforeAll(async () => {
  nats = await startNatsServer();
  store = await spawnChdbHttpServer(tmp('tablero-side-ch-'), { port: await freePort() });
  exportsDir = tmp('tablero-side-exports-');
  env = {
    NATS_URL: nats.url,
    CLICKHOUSE_URL: store.url,
    TABLERO_METRICS_TOKEN: METRICS_TOKEN,
    // Cookies are signed with it: every dashboard behind one balancer needs the same secret.
    TABLERO_SESSION_SECRET: 'one-secret-for-every-dashboard-0123456789',
    TABLERO_SOURCE_TOKENS: `${PUSH_TOKEN}=default:pbx-push`,
  };
  // The admin and the TV's kiosk link, made before any dashboard starts (as an operator would).
  const cliDir = tmp('tablero-side-cli-');
  const user = await runTablero(['user', 'add', 'ana', '--role', 'admin'], { dataDir: cliDir, stdin: PASSWORD, env });
  expect([user.code, user.stdout]).toEqual([0, 'user ana (admin) saved\n']);
  const kiosk = await runTablero(['kiosk', 'create', 'tv-sala'], { dataDir: cliDir, env });
  kioskToken = /kiosk=([^#\s]+)/.exec(kiosk.stdout)?.[1] ?? '';
  expect(kioskToken).not.toBe('');

  const pbx = tmp('tablero-side-pbx-');
  queueLog = join(pbx, 'queue_log');
  writeFileSync(queueLog, '');
  const processorPort = await freePort();
  processor = spawnTableroService('processor', { dataDir: tmp('tablero-side-proc-'), env: { ...env, TABLERO_METRICS_PORT: String(processorPort) } });
  await processor.running();
  processorMetrics = `http://127.0.0.1:${processorPort}/metrics`;
  const ingestPort = await freePort();
  ingest = spawnTableroService('ingest', { dataDir: tmp('tablero-side-ingest-'), env: { ...env, TABLERO_METRICS_PORT: String(ingestPort) }, args: ['--source', queueLog] });
  await ingest.running();
  ingestMetrics = `http://127.0.0.1:${ingestPort}/metrics`;
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    const service = spawnTableroService('dashboard', { dataDir: tmp('tablero-side-dash-'), env: dashboardEnv(port) });
    await service.running();
    dashboards.push({ service, url: `http://127.0.0.1:${port}` });
  }
}, 240_000);

afterAll(async () => {
  for (const d of dashboards) await d.service.stop();
  await ingest?.stop();
  await processor?.stop();
  await store?.stop();
  await nats?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const A = (): string => dashboards[0]?.url as string;
const B = (): string => dashboards[1]?.url as string;

interface Session {
  cookie: string;
  csrf: string;
}
async function logIn(url: string): Promise<Session> {
  const res = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'ana', password: PASSWORD }) });
  expect(res.status).toBe(200);
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] as string, csrf: ((await res.json()) as { csrf: string }).csrf };
}
const send = (url: string, method: string, path: string, s: Session, body?: unknown): Promise<Response> =>
  fetch(`${url}${path}`, {
    method,
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

async function scrape(url: string, token: string | null = METRICS_TOKEN): Promise<{ status: number; text: string }> {
  const res = await fetch(url, token === null ? {} : { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, text: await res.text() };
}

interface QueueFigures {
  queue: string;
  windows: { today: { offered: number; answered: number; abandoned: number } };
  waiting_now: number;
}
/** A live client: the hello, then every queue it holds, merged from `snapshots` frames as the SPA does. */
interface Tv {
  ws: WebSocket;
  hello: Promise<unknown>;
  queues: Map<string, QueueFigures>;
  /** Queues seen in the frames sent with the hello (before any later snapshot). */
  welcome: Promise<string[]>;
  closed: Promise<number>;
}
function openTv(url: string): Tv {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/ws/live?kiosk=${kioskToken}`, { origin: url });
  const queues = new Map<string, QueueFigures>();
  let resolveHello: (v: unknown) => void = () => undefined;
  const hello = new Promise((r) => (resolveHello = r));
  let resolveWelcome: (v: string[]) => void = () => undefined;
  const welcome = new Promise<string[]>((r) => (resolveWelcome = r));
  let frames = 0;
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data)) as { type: string; queues?: QueueFigures[] };
    frames += 1;
    if (msg.type === 'hello') resolveHello(msg);
    if (msg.type === 'snapshots') for (const q of msg.queues ?? []) queues.set(q.queue, q);
    // The server writes the hello and its welcome frames in one go: the frame after the hello is
    // the picture it holds (one site here), not a snapshot the processor sent later.
    if (frames === 2) resolveWelcome(msg.type === 'snapshots' ? (msg.queues ?? []).map((q) => q.queue).sort() : []);
  });
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
  return { ws, hello, queues, welcome, closed };
}
const figures = (tv: Tv): Array<[string, number, number, number]> =>
  [...tv.queues.values()].map((q): [string, number, number, number] => [q.queue, q.windows.today.offered, q.windows.today.answered, q.windows.today.abandoned]).sort();

describe('two dashboards on one store and one bus', () => {
  it('a session made on one works on the other; a logout on the other ends it on both', async () => {
    const s = await logIn(A());
    const me = await fetch(`${B()}/api/me`, { headers: { cookie: s.cookie } });
    expect([me.status, ((await me.json()) as { username: string }).username]).toEqual([200, 'ana']);
    expect((await send(B(), 'POST', '/api/logout', s)).status).toBe(204);
    for (const url of [A(), B()]) expect((await fetch(`${url}/api/me`, { headers: { cookie: s.cookie } })).status).toBe(401);
  });

  it('both serve the same live data; a TV moved from one to the other gets every queue at once', async () => {
    const end = nowS - 60;
    appendLines(queueLog, [
      ...answeredCall({ queue: '101', callid: 'side-1', endS: end, wait: 10, talk: 40 }),
      ...answeredCall({ queue: '101', callid: 'side-2', endS: end + 5, wait: 30, talk: 20 }),
      ...abandonedCall({ queue: '102', callid: 'side-3', endS: end + 8, wait: 25 }),
      'this line is not queue_log',
    ]);
    const expected: Array<[string, number, number, number]> = [
      ['101', 2, 2, 0],
      ['102', 1, 0, 1],
    ];
    const onA = openTv(A());
    const onB = openTv(B());
    await Promise.all([onA.hello, onB.hello]);
    // Both dashboards fan out the same snapshots from the bus.
    for (const tv of [onA, onB]) await waitFor(() => JSON.stringify(figures(tv)) === JSON.stringify(expected), { timeoutMs: 60_000, what: 'both calls queues live' });
    onB.ws.close();
    await onB.closed;

    // Dashboard A goes away (a deploy, a crash behind the balancer): its TV is told "going away"
    // and reconnects, now to B, which greets it with the whole picture.
    const closed = onA.closed;
    await dashboards[0]?.service.stop();
    expect(await closed).toBe(1001);
    const moved = openTv(B());
    expect(await moved.welcome).toEqual(['101', '102']);
    expect(figures(moved)).toEqual(expected);

    // B counts its live clients in /metrics.
    expect(promSample((await scrape(`${B()}/metrics`)).text, 'tablero_websocket_clients')).toBe(1);
    moved.ws.close();
    await moved.closed;

    // A comes back (same port) for the tests that follow.
    const port = new URL(A()).port;
    const again = spawnTableroService('dashboard', { dataDir: tmp('tablero-side-dash-'), env: dashboardEnv(port) });
    await again.running();
    dashboards[0] = { service: again, url: A() };
    // A dashboard started after the calls asks for the whole picture at start (the processor sends
    // every queue at its next tick; the 5 s heartbeat is the backstop), so its TVs are whole again.
    const fresh = openTv(A());
    await waitFor(() => JSON.stringify(figures(fresh)) === JSON.stringify(expected), { timeoutMs: 30_000, what: 'the heartbeat on the restarted dashboard' });
    fresh.ws.close();
    await fresh.closed;
  }, 180_000);

  it('the same exports: a month closed on one exports identically from both; a schedule saved on one is listed on the other', async () => {
    const s = await logIn(A());
    const closed = await send(A(), 'POST', '/api/months/2026-10/close', s);
    expect(closed.status).toBe(201);
    const sB = await logIn(B());
    const months = (await (await send(B(), 'GET', '/api/months', sB)).json()) as Array<{ month: string; closed_by: string }>;
    expect(months.map((m) => [m.month, m.closed_by])).toEqual([['2026-10', 'ana']]);
    const files = await Promise.all(
      [A(), B()].map(async (url) => {
        const res = await send(url, 'GET', '/api/exports/monthly?month=2026-10&format=csv&lang=es', url === A() ? s : sB);
        return { status: res.status, month: res.headers.get('x-tablero-month'), body: await res.text() };
      }),
    );
    expect(files.map((f) => [f.status, f.month])).toEqual([
      [200, 'closed'],
      [200, 'closed'],
    ]);
    expect(files[1]?.body).toBe(files[0]?.body);

    // Schedules are rows of the store; the files are written by the processor's scheduler, so the
    // dashboards need the same TABLERO_EXPORTS_DIR setting (it checks the folder), not a shared disk.
    const spec = { every: 'monthly', day_of_month: 1, at: '06:00', formats: ['csv'], folder: join(exportsDir, 'board'), enabled: false };
    expect((await send(B(), 'PUT', '/api/exports/schedules/board', sB, spec)).status).toBe(200);
    const listed = (await (await send(A(), 'GET', '/api/exports/schedules', s)).json()) as Array<{ id: string; folder: string; enabled: boolean }>;
    expect(listed.map((x) => [x.id, x.folder, x.enabled])).toEqual([['board', join(exportsDir, 'board'), false]]);
  }, 120_000);
});

describe('/metrics of every service', () => {
  it.each([
    ['ingest', () => ingestMetrics],
    ['processor', () => processorMetrics],
    ['dashboard', () => `${B()}/metrics`],
  ])('%s: 401 without the token or with another', async (_service, url) => {
    expect((await scrape(url(), null)).status).toBe(401);
    expect((await scrape(url(), 'another-token-of-enough-length')).status).toBe(401);
    const ok = await scrape(url());
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('# TYPE process_resident_memory_bytes gauge');
  });

  it('ingest: lines accepted and rejected for the tailed file', async () => {
    const labels = `site="default",source="${queueLog}",kind="queue_log"`;
    const text = await waitFor(async () => {
      const t = (await scrape(ingestMetrics)).text;
      return promSample(t, `tablero_lines_total{${labels},result="accepted"}`) === 8 ? t : null;
    }, { timeoutMs: 30_000, what: 'the tailed lines counted' });
    expect(promSample(text, `tablero_lines_total{${labels},result="rejected"}`)).toBe(1);
  });

  it('processor: the consumer is caught up (lag 0) and commits were timed', async () => {
    const text = await waitFor(async () => {
      const t = (await scrape(processorMetrics)).text;
      return promSample(t, 'tablero_consumer_lag{stream="TABLERO_PBX",consumer="processor"}') === 0 ? t : null;
    }, { timeoutMs: 30_000, what: 'the processor caught up' });
    expect(promSample(text, 'tablero_consumer_pending{stream="TABLERO_PBX",consumer="processor"}')).toBe(0);
    expect(promSample(text, 'tablero_commit_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(promSample(text, 'tablero_partitions_owned')).toBe(0);
  });

  it('dashboard: lines pushed through it, per push source', async () => {
    const body = [...answeredCall({ queue: '103', callid: 'pushed-1', endS: nowS - 30, wait: 5, talk: 10 }), 'not a queue_log line either'].join('\n');
    const res = await fetch(`${A()}/ingest/queue-log`, { method: 'POST', headers: { authorization: `Bearer ${PUSH_TOKEN}`, 'content-type': 'text/plain' }, body });
    expect(await res.json()).toEqual({ accepted: 3, rejected: 1 });
    const text = (await scrape(`${A()}/metrics`)).text;
    const labels = 'site="default",source="push:pbx-push",kind="queue_log"';
    expect([promSample(text, `tablero_lines_total{${labels},result="accepted"}`), promSample(text, `tablero_lines_total{${labels},result="rejected"}`)]).toEqual([3, 1]);
  });
});
