// Test and bench support (issue 14, heavy work off the event loop): a running `tablero start`
// given a month of calls in many queues over HTTP push, two monthly PDF exports of it at once,
// and /api/health asked one request after the other meanwhile, each answer timed.
import type { TableroProcess } from './tablero-process.ts';
import { waitFor } from './wait-for.ts';

export const LOAD_TOKEN = 'load-push-token-0123456789';
export const LOAD_ENV = { TZ: 'UTC', TABLERO_SOURCE_TOKENS: `${LOAD_TOKEN}=default:load-push` };
export const LOAD_MONTH = '2026-10';

/** Pushes `callsPerQueue` answered calls into each of `queues` queues (q001...) in October 2026 and waits until stored. */
export async function pushManyQueues(t: TableroProcess, cookie: string, queues: number, callsPerQueue: number): Promise<void> {
  let body = '';
  let n = 0;
  for (let q = 1; q <= queues; q++) {
    const queue = `q${String(q).padStart(3, '0')}`;
    for (let c = 0; c < callsPerQueue; c++) {
      const t0 = Date.UTC(2026, 9, 1 + ((q + c) % 28), 9 + (c % 8)) / 1000 + q;
      const id = `${queue}-${c}`;
      body += `${t0}|${id}|${queue}|NONE|ENTERQUEUE||555|1\n${t0 + 12}|${id}|${queue}|Agent/${q % 40}|CONNECT|12|${id}.1|1\n${t0 + 100}|${id}|${queue}|Agent/${q % 40}|COMPLETECALLER|12|88|1\n`;
      n += 1;
    }
  }
  const r = await fetch(`${t.url}/ingest/queue-log`, { method: 'POST', headers: { authorization: `Bearer ${LOAD_TOKEN}`, 'content-type': 'text/plain' }, body });
  if (r.status !== 200) throw new Error(`push answered ${r.status}: ${await r.text()}`);
  await waitFor(async () => {
    const k = await fetch(`${t.url}/api/kpis?from=2026-10-01&to=2026-11-01&by=month`, { headers: { cookie } });
    if (k.status !== 200) return false;
    const rows = (await k.json()) as Array<{ offered: number }>;
    return rows.length === queues && rows.reduce((s, row) => s + row.offered, 0) === n;
  }, { timeoutMs: 120_000, intervalMs: 500, what: `${n} calls in ${queues} queues to be stored` });
}

export async function loginCookie(t: TableroProcess): Promise<string> {
  const r = await fetch(`${t.url}/api/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: t.admin.password }),
  });
  if (r.status !== 200) throw new Error(`login answered ${r.status}`);
  return r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

export interface ExportsUnderLoad {
  /** Each export: status, first bytes, and when it ended (ms after the start of both). */
  exports: Array<{ status: number; head: string; bytes: number; endedMs: number }>;
  /** Each /api/health answer while the exports ran: status, wait (ms), and when it ended. */
  health: Array<{ status: number; waitMs: number; endedMs: number }>;
}

/** Starts `count` PDF exports of LOAD_MONTH at once and asks /api/health one after the other until they all ended. */
export async function exportsWithHealth(t: TableroProcess, cookie: string, count: number): Promise<ExportsUnderLoad> {
  const t0 = performance.now();
  let running = count;
  const exports = await Promise.all([
    Promise.all(
      Array.from({ length: count }, async () => {
        const r = await fetch(`${t.url}/api/exports/monthly?month=${LOAD_MONTH}&format=pdf&lang=es`, { headers: { cookie } });
        const body = Buffer.from(await r.arrayBuffer());
        running -= 1;
        return { status: r.status, head: body.subarray(0, 5).toString('latin1'), bytes: body.length, endedMs: performance.now() - t0 };
      }),
    ),
    (async () => {
      const health: ExportsUnderLoad['health'] = [];
      while (running > 0) {
        const asked = performance.now();
        const r = await fetch(`${t.url}/api/health`);
        await r.arrayBuffer();
        const ended = performance.now();
        health.push({ status: r.status, waitMs: ended - asked, endedMs: ended - t0 });
        await new Promise((ok) => setTimeout(ok, 20));
      }
      return health;
    })(),
  ]);
  return { exports: exports[0], health: exports[1] };
}
