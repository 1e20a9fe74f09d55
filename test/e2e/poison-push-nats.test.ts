// Issue 14, item 1, in the NATS topology: a real nats-server, ClickHouse as a server process (the
// chDB HTTP shim), and `tablero processor` and `tablero dashboard` as separate processes. The
// 150-month push through the dashboard is stored (split by the processor), a normal push after
// it is stored within 10 s, and the dashboard's /api/health reports the processor's health as
// heard on the bus: the split, then `degraded` with the reason while ClickHouse is gone, then ok.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClickHouse, type ClickHouse } from '@tablero/sql';
import { spawnChdbHttpServer, type ChdbHttpChild } from '../../bench/support/chdb-http-server.ts';
import { freePort, startNatsServer, type NatsServer } from '../support/nats-server.ts';
import { spawnTableroService, type TableroService } from '../support/tablero-process.ts';
import { waitFor } from '../support/wait-for.ts';

const TOKEN = 'push-token-nats-0123456789';
const dirs: string[] = [];
const tmp = (prefix: string): string => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};

const call = (id: string, t: number): string =>
  `${t}|${id}|q1|NONE|ENTERQUEUE||555|1\n${t + 5}|${id}|q1|Agent/1|CONNECT|5|${id}.1|1\n${t + 65}|${id}|q1|Agent/1|COMPLETECALLER|5|60|1\n`;

interface Health {
  status: string;
  clickhouse: boolean;
  processor?: { status: string; reason: string | null; split_inserts: number; refused_rows: number };
}

let nats: NatsServer;
let chDir: string;
let chPort: number;
let server: ChdbHttpChild;
let ch: ClickHouse;
let processor: TableroService;
let dashboard: TableroService;
let url: string;
beforeAll(async () => {
  nats = await startNatsServer();
  chDir = tmp('tablero-nats-ch-');
  chPort = await freePort();
  server = await spawnChdbHttpServer(chDir, { port: chPort });
  const env = { NATS_URL: nats.url, CLICKHOUSE_URL: server.url, TABLERO_STALL_AFTER_S: '2', TABLERO_SOURCE_TOKENS: `${TOKEN}=default:pbx-push` };
  processor = spawnTableroService('processor', { dataDir: tmp('tablero-processor-'), env });
  await processor.running();
  const port = await freePort();
  dashboard = spawnTableroService('dashboard', { dataDir: tmp('tablero-dashboard-'), env: { ...env, PORT: String(port) } });
  await dashboard.running();
  url = `http://127.0.0.1:${port}`;
  ch = await openClickHouse({ url: server.url, database: 'tablero', dataDir: chDir });
}, 180_000);
afterAll(async () => {
  await ch?.close();
  await dashboard?.stop();
  await processor?.stop();
  await server?.stop();
  await nats?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function push(body: string): Promise<{ status: number; json: unknown }> {
  const r = await fetch(`${url}/ingest/queue-log`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' }, body });
  return { status: r.status, json: await r.json() };
}
const health = async (): Promise<Health> => (await (await fetch(`${url}/api/health`)).json()) as Health;
async function stints(where: string): Promise<number> {
  const rows = await (await ch.client.query({ query: `SELECT count() AS v FROM stints WHERE ${where}`, format: 'JSONEachRow' })).json<{ v: unknown }>();
  return Number(rows[0]?.v);
}

describe('the 150-month push in the NATS topology', () => {
  it('is stored by splitting, the next push within 10 s, and the dashboard reports it', async () => {
    let body = '';
    for (let i = 0; i < 150; i++) body += call(`m${i}`, Date.UTC(2010, i, 10, 9) / 1000);
    expect(await push(body)).toEqual({ status: 200, json: { accepted: 450, rejected: 0 } });
    const sent = Date.now();
    expect(await push(call('after', Math.floor(Date.now() / 1000) - 120))).toEqual({ status: 200, json: { accepted: 3, rejected: 0 } });
    await waitFor(async () => (await stints("callid = 'after'")) === 1, { timeoutMs: 10_000, intervalMs: 100, what: 'the push after the poison one to be stored' });
    expect(Date.now() - sent).toBeLessThan(10_000);
    // Counted without FINAL: every month once.
    expect(await stints("callid LIKE 'm%'")).toBe(150);
    expect(await stints("callid LIKE 'm%' AND toYear(enter_ts) BETWEEN 2010 AND 2022")).toBe(150);
    const h = await waitFor(async () => {
      const x = await health();
      return x.processor?.split_inserts === 1 ? x : null;
    }, { timeoutMs: 10_000, what: 'the split to be reported' });
    expect(h).toMatchObject({ status: 'ok', processor: { status: 'ok', reason: null, split_inserts: 1, refused_rows: 0 } });
  }, 120_000);

  it('reports the processor degraded with its reason while ClickHouse is gone, ok once it is back', async () => {
    await server.stop();
    expect(await push(call('during', Math.floor(Date.now() / 1000) - 60))).toEqual({ status: 200, json: { accepted: 3, rejected: 0 } });
    const degraded = await waitFor(async () => {
      const x = await health();
      return x.processor?.status === 'degraded' ? x : null;
    }, { timeoutMs: 60_000, what: 'the processor reported degraded' });
    expect(degraded.status).toBe('degraded');
    expect(degraded.processor?.reason).toMatch(/^commit \d+ not stored for \d+ s: ClickHouse unreachable$/);
    server = await spawnChdbHttpServer(chDir, { port: chPort });
    const ok = await waitFor(async () => {
      const x = await health();
      return x.status === 'ok' ? x : null;
    }, { timeoutMs: 60_000, what: 'health ok again' });
    expect(ok.processor).toMatchObject({ status: 'ok', reason: null });
    expect(await stints("callid = 'during'")).toBe(1);
  }, 180_000);
});
