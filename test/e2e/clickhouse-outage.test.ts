// Issue 14, "ClickHouse unavailable for 60 s under load": the real `tablero start` with ClickHouse
// as a server over HTTP (the chDB HTTP shim, a separate process), fed about 330 lines/s on one
// site by a tailed queue_log and a shipper's HTTP pushes (a push waits for the store in the
// all-in-one run, so during the outage it times out and is re-sent inside a larger body). The
// server is stopped for 60 s while lines keep arriving, then started again: /api/health says
// `degraded` (503) with the processor's reason during the outage and `ok` after it; once the
// sources are done every call is stored once: stints per source, queue and outcome exactly as
// generated, counted without FINAL and with it, and one stored event per line written.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openClickHouse, type ClickHouse } from '@tablero/sql';
import { spawnChdbHttpServer, type ChdbHttpChild } from '../../bench/support/chdb-http-server.ts';
import { freePort } from '../support/nats-server.ts';
import { SiteTraffic, storedCounts } from '../support/site-traffic.ts';
import { startTablero, type TableroProcess } from '../support/tablero-process.ts';
import { waitFor } from '../support/wait-for.ts';

const TOKEN = 'pbx-shipper-outage-0123456789';
const OUTAGE_MS = 60_000;
const dir = mkdtempSync(join(tmpdir(), 'tablero-outage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Health {
  status: string;
  processor?: { status: string; reason: string | null; stored_commits: number };
}
async function health(t: TableroProcess): Promise<{ code: number; body: Health }> {
  const r = await fetch(`${t.url}/api/health`, { signal: AbortSignal.timeout(10_000) });
  return { code: r.status, body: (await r.json()) as Health };
}

describe('ClickHouse unavailable for 60 s under load', () => {
  it('loses nothing, doubles nothing, and health says degraded with the reason, then ok', async () => {
    const chDir = join(dir, 'ch');
    const port = await freePort();
    let server: ChdbHttpChild | null = await spawnChdbHttpServer(chDir, { port });
    const tail = join(dir, 'queue_log');
    let t: TableroProcess | null = null;
    let traffic: SiteTraffic | null = null;
    let ch: ClickHouse | null = null;
    try {
      const running = await startTablero({ args: ['--source', tail, '--no-simulate'], env: { CLICKHOUSE_URL: server.url, TABLERO_SOURCE_TOKENS: `${TOKEN}=default:shipper` } });
      t = running;
      traffic = new SiteTraffic(tail, () => running.url, TOKEN, 6);
      await waitFor(async () => ((await health(running)).body.processor?.stored_commits ?? 0) >= 3, { timeoutMs: 60_000, intervalMs: 100, what: 'commits stored before the outage' });

      await server.stop();
      server = null;
      const stopped = Date.now();
      const linesBefore = traffic.tailLines + traffic.shipper.sent.length;
      // Health is asked throughout the outage: once the stall is reported it must stay reported.
      const seen: string[] = [];
      let degraded: { code: number; body: Health } | null = null;
      while (Date.now() - stopped < OUTAGE_MS) {
        const h = await health(running);
        seen.push(h.body.processor?.status ?? 'none');
        if (h.body.processor?.status === 'degraded') degraded ??= h;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(traffic.tailLines + traffic.shipper.sent.length - linesBefore).toBeGreaterThan(10_000); // ~330 lines/s kept arriving
      expect(degraded?.code).toBe(503);
      expect(degraded?.body.status).toBe('degraded');
      expect(degraded?.body.processor?.reason).toMatch(/^commit \d+ not stored for \d+ s: ClickHouse unreachable$/);
      expect(seen.slice(seen.indexOf('degraded'))).toEqual(seen.slice(seen.indexOf('degraded')).map(() => 'degraded'));

      server = await spawnChdbHttpServer(chDir, { port });
      const ok = await waitFor(async () => {
        const h = await health(running);
        return h.body.status === 'ok' ? h : null;
      }, { timeoutMs: 120_000, intervalMs: 250, what: 'health ok once ClickHouse is back' });
      expect([ok.code, ok.body.processor?.status, ok.body.processor?.reason]).toEqual([200, 'ok', null]);

      await traffic.finish();
      const written = traffic.tailLines + traffic.shipper.sent.length;
      const expected = traffic.expected();
      const store = await openClickHouse({ url: server.url, database: 'tablero', dataDir: chDir });
      ch = store;
      const stored = await waitFor(async () => {
        const c = await storedCounts(store);
        return c.events >= written && JSON.stringify(c.stints) === JSON.stringify(expected) ? c : null;
      }, { timeoutMs: 180_000, intervalMs: 500, what: 'every line written to be stored' });
      const calls = Object.values(expected).reduce((a, b) => a + b, 0);
      expect(stored).toEqual({ stints: expected, stintsFinal: expected, stintRows: calls, stintIds: calls, events: written, eventIds: written, lines: written });
    } finally {
      await traffic?.finish().catch(() => undefined);
      await ch?.close();
      await t?.stop();
      await server?.stop();
    }
  }, 600_000);
});
