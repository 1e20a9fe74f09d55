// Issue 14, item 1, end to end with `tablero start`: a push of 150 calls in 150 different months
// (more month partitions than ClickHouse takes in one insert) used to stop all ingest. Now it is
// stored (split by the processor), a normal push right after it is stored within 10 s, and
// /api/health says what happened. Then, with ClickHouse as a separate server process (the chDB
// HTTP shim) that is stopped: the processor retries, /api/health answers `degraded` with the
// processor's reason, and `ok` again once the server is back and the commit stored.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnChdbHttpServer } from '../../bench/support/chdb-http-server.ts';
import { loginCookie } from '../support/exports-load.ts';
import { freePort } from '../support/nats-server.ts';
import { startTablero, type TableroProcess } from '../support/tablero-process.ts';
import { waitFor } from '../support/wait-for.ts';

const TOKEN = 'push-token-0123456789abcdef';
const ENV = { TZ: 'UTC', TABLERO_SOURCE_TOKENS: `${TOKEN}=default:pbx-push` };
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** One answered call as queue_log lines (ENTERQUEUE, CONNECT after 5 s, COMPLETECALLER after 60 s of talk). */
const call = (id: string, t: number): string =>
  `${t}|${id}|q1|NONE|ENTERQUEUE||555|1\n${t + 5}|${id}|q1|Agent/1|CONNECT|5|${id}.1|1\n${t + 65}|${id}|q1|Agent/1|COMPLETECALLER|5|60|1\n`;
const monthStart = (i: number): string => new Date(Date.UTC(2010, i, 1)).toISOString().slice(0, 10);

async function push(url: string, body: string): Promise<{ status: number; json: unknown }> {
  const r = await fetch(`${url}/ingest/queue-log`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' }, body });
  return { status: r.status, json: await r.json() };
}

async function offered(t: TableroProcess, cookie: string, from: string, to: string, by: string): Promise<number[]> {
  const r = await fetch(`${t.url}/api/kpis?from=${from}&to=${to}&by=${by}`, { headers: { cookie } });
  if (r.status !== 200) return [];
  return ((await r.json()) as Array<{ offered: number }>).map((row) => row.offered);
}

interface Health {
  status: string;
  processor?: { status: string; reason: string | null; split_inserts: number; refused_rows: number; stored_commits: number };
}
async function health(t: TableroProcess): Promise<Health> {
  return (await (await fetch(`${t.url}/api/health`)).json()) as Health;
}

describe('a push ClickHouse refuses in one insert', () => {
  it('is stored by splitting, the next push is stored within 10 s, and health reports the split (embedded)', async () => {
    const t = await startTablero({ args: ['--no-simulate'], env: ENV });
    try {
      const cookie = await loginCookie(t);
      let body = '';
      for (let i = 0; i < 150; i++) body += call(`m${i}`, Date.UTC(2010, i, 10, 9) / 1000);
      expect(await push(t.url, body)).toEqual({ status: 200, json: { accepted: 450, rejected: 0 } });
      const nowS = Math.floor(Date.now() / 1000);
      const sent = Date.now();
      expect(await push(t.url, call('after', nowS - 120))).toEqual({ status: 200, json: { accepted: 3, rejected: 0 } });
      const today = new Date(nowS * 1000).toISOString().slice(0, 10);
      const tomorrow = new Date((nowS + 86_400) * 1000).toISOString().slice(0, 10);
      await waitFor(async () => (await offered(t, cookie, today, tomorrow, 'day')).join() === '1', { timeoutMs: 10_000, what: 'the push after the poison one to be stored' });
      expect(Date.now() - sent).toBeLessThan(10_000);
      // Every one of the 150 months holds its call: split, nothing lost, nothing dead-lettered.
      expect(await offered(t, cookie, monthStart(0), monthStart(150), 'month')).toEqual(Array.from({ length: 150 }, () => 1));
      const h = await health(t);
      expect(h.status).toBe('ok');
      expect(h.processor).toMatchObject({ status: 'ok', reason: null, split_inserts: 1, refused_rows: 0 });
    } finally {
      await t.stop();
    }
  }, 180_000);

  it('while the ClickHouse server is gone the processor retries and health is degraded with its reason, then ok', async () => {
    const chDir = mkdtempSync(join(tmpdir(), 'tablero-poison-ch-'));
    dirs.push(chDir);
    const port = await freePort();
    let server = await spawnChdbHttpServer(chDir, { port });
    const t = await startTablero({ args: ['--no-simulate'], env: { ...ENV, CLICKHOUSE_URL: server.url, TABLERO_STALL_AFTER_S: '2' } });
    try {
      const cookie = await loginCookie(t);
      await server.stop();
      const nowS = Math.floor(Date.now() / 1000);
      // The in-process bus answers a push once the processor stored it: this one waits for the server.
      const pushed = push(t.url, call('during', nowS - 120));
      const degraded = await waitFor(async () => {
        const h = await health(t);
        return h.processor?.status === 'degraded' ? h : null;
      }, { timeoutMs: 60_000, what: 'health to report the stalled processor' });
      expect(degraded.status).toBe('degraded');
      expect(degraded.processor?.reason).toMatch(/^commit \d+ not stored for \d+ s: ClickHouse unreachable$/);
      server = await spawnChdbHttpServer(chDir, { port });
      expect(await pushed).toEqual({ status: 200, json: { accepted: 3, rejected: 0 } });
      const ok = await waitFor(async () => {
        const h = await health(t);
        return h.status === 'ok' ? h : null;
      }, { timeoutMs: 60_000, what: 'health to be ok again' });
      expect(ok.processor).toMatchObject({ status: 'ok', reason: null });
      const today = new Date(nowS * 1000).toISOString().slice(0, 10);
      const tomorrow = new Date((nowS + 86_400) * 1000).toISOString().slice(0, 10);
      expect(await offered(t, cookie, today, tomorrow, 'day')).toEqual([1]);
    } finally {
      await t.stop();
      await server.stop();
    }
  }, 240_000);
});
