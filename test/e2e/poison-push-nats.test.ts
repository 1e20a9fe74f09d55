// Issue 14, item 1, in the NATS topology: a real nats-server, ClickHouse as a server process (the
// chDB HTTP shim), and `tablero processor` and `tablero dashboard` as separate processes. The
// 150-month push through the dashboard is stored (split by the processor), a normal push after
// it is stored within 10 s, and the dashboard's /api/health reports the processor's health as
// heard on the bus: the split, then `degraded` with the reason while ClickHouse is gone, then ok.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '@tablero/sql';
import { startServiceStack, type ServiceStack } from '../support/service-stack.ts';
import { waitFor } from '../support/wait-for.ts';

const TOKEN = 'push-token-nats-0123456789';

const call = (id: string, t: number): string =>
  `${t}|${id}|q1|NONE|ENTERQUEUE||555|1\n${t + 5}|${id}|q1|Agent/1|CONNECT|5|${id}.1|1\n${t + 65}|${id}|q1|Agent/1|COMPLETECALLER|5|60|1\n`;

interface Health {
  status: string;
  clickhouse: boolean;
  processor?: { status: string; reason: string | null; split_inserts: number; refused_rows: number };
}

let stack: ServiceStack;
let ch: ClickHouse;
let url: string;
beforeAll(async () => {
  stack = await startServiceStack((natsUrl, clickhouseUrl) => ({ NATS_URL: natsUrl, CLICKHOUSE_URL: clickhouseUrl, TABLERO_STALL_AFTER_S: '2', TABLERO_SOURCE_TOKENS: `${TOKEN}=default:pbx-push` }));
  ({ ch, url } = stack);
}, 180_000);
afterAll(async () => {
  await stack?.stop();
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
    await stack.stopClickHouse();
    expect(await push(call('during', Math.floor(Date.now() / 1000) - 60))).toEqual({ status: 200, json: { accepted: 3, rejected: 0 } });
    const degraded = await waitFor(async () => {
      const x = await health();
      return x.processor?.status === 'degraded' ? x : null;
    }, { timeoutMs: 60_000, what: 'the processor reported degraded' });
    expect(degraded.status).toBe('degraded');
    expect(degraded.processor?.reason).toMatch(/^commit \d+ not stored for \d+ s: ClickHouse unreachable$/);
    await stack.startClickHouse();
    const ok = await waitFor(async () => {
      const x = await health();
      return x.status === 'ok' ? x : null;
    }, { timeoutMs: 60_000, what: 'health ok again' });
    expect(ok.processor).toMatchObject({ status: 'ok', reason: null });
    expect(await stints("callid = 'during'")).toBe(1);
  }, 180_000);
});
