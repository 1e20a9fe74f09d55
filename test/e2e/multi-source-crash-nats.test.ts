// Issue 14, "several sources on one site", in the production topology: a real nats-server,
// ClickHouse as a server process (the chDB HTTP shim), two `tablero ingest` processes (one tails a
// queue_log of live calls, one tails the `tablero simulate` file), a `tablero dashboard` taking a
// shipper's HTTP pushes (re-sent inside larger bodies when they fail), all on site `default` and
// the same queues, and a `tablero processor` SIGKILLed 5 times. After the last restart everything
// drains, and the stored stints per source, queue and outcome equal the clean run of the same input
// (`tablero import` of what each source wrote, on a fresh data directory), counted without FINAL
// and with it; no event or line is stored twice. See multi-source-crash.test.ts for the
// all-in-one `tablero start`, and why the simulator runs as a process of its own.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openClickHouse, type ClickHouse } from '@tablero/sql';
import { spawnChdbHttpServer, type ChdbHttpChild } from '../../bench/support/chdb-http-server.ts';
import { freePort, startNatsServer, type NatsServer } from '../support/nats-server.ts';
import { SiteTraffic, importCleanRun, startSimulator, storedCounts, storedCountsIn } from '../support/site-traffic.ts';
import { spawnTableroService, type TableroService } from '../support/tablero-process.ts';
import { waitFor } from '../support/wait-for.ts';

const TOKEN = 'pbx-shipper-nats-0123456789';
const KILLS = 5;
const dir = mkdtempSync(join(tmpdir(), 'tablero-mscn-'));
const sub = (name: string): string => join(dir, name);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function storedEvents(ch: ClickHouse): Promise<number> {
  const rows = await (await ch.client.query({ query: 'SELECT count() AS n FROM queue_events', format: 'JSONEachRow' })).json<{ n: string }>();
  return Number(rows[0]?.n ?? 0);
}

describe('several sources on one site, tablero processor SIGKILLed (NATS topology)', () => {
  it(`stores the stints of a clean run after ${KILLS} SIGKILLs (two ingest processes, HTTP pushes)`, async () => {
    let nats: NatsServer | null = null;
    let server: ChdbHttpChild | null = null;
    let ch: ClickHouse | null = null;
    const services: TableroService[] = [];
    let sim: Awaited<ReturnType<typeof startSimulator>> | null = null;
    let traffic: SiteTraffic | null = null;
    try {
      nats = await startNatsServer();
      server = await spawnChdbHttpServer(sub('ch'), { port: await freePort() });
      const env = { NATS_URL: nats.url, CLICKHOUSE_URL: server.url, TABLERO_SOURCE_TOKENS: `${TOKEN}=default:shipper` };
      const service = async (...a: Parameters<typeof spawnTableroService>): Promise<TableroService> => {
        const s = spawnTableroService(...a);
        services.push(s);
        await s.running();
        return s;
      };
      let processor = await service('processor', { dataDir: sub('processor'), env });
      const port = await freePort();
      await service('dashboard', { dataDir: sub('dashboard'), env: { ...env, PORT: String(port) } });
      sim = await startSimulator(sub('sim'));
      const tail = sub('queue_log');
      writeFileSync(tail, '');
      await service('ingest', { dataDir: sub('ingest-tail'), env, args: ['--source', tail] });
      await service('ingest', { dataDir: sub('ingest-sim'), env, args: ['--source', sim.queueLog] });
      ch = await openClickHouse({ url: server.url, database: 'tablero', dataDir: sub('ch') });
      const store = ch;
      traffic = new SiteTraffic(tail, () => `http://127.0.0.1:${port}`, TOKEN);

      const progress = async (what: string): Promise<void> => {
        const before = await storedEvents(store);
        await waitFor(async () => (await storedEvents(store)) >= before + 50, { timeoutMs: 120_000, intervalMs: 100, what });
      };
      for (let k = 0; k < KILLS; k++) {
        await progress(`events stored before kill ${k + 1}`);
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 500)));
        await processor.kill();
        processor = await service('processor', { dataDir: sub('processor'), env });
      }
      await progress('events stored after the last restart');
      await traffic.finish();
      await sim.stop();

      await importCleanRun(sub('ref'), [{ path: sim.queueLog }, { path: tail }, { path: sub('pushed'), lines: traffic.shipper.sent }]);
      const ref = await storedCountsIn(sub('ref'));
      const live = await waitFor(async () => {
        const c = await storedCounts(store);
        return c.events >= ref.events && JSON.stringify(c.stints) === JSON.stringify(ref.stints) ? c : null;
      }, { timeoutMs: 180_000, intervalMs: 500, what: 'the stored stints to equal the clean run' });
      // The two generated sources are known exactly; the simulator's share is whatever it wrote.
      expect(Object.fromEntries(Object.entries(ref.stints).filter(([k]) => !k.startsWith('sim|')))).toEqual(traffic.expected());
      expect(Object.keys(ref.stints).some((k) => k.startsWith('sim|'))).toBe(true);
      expect([ref.stintRows, ref.events]).toEqual([ref.stintIds, ref.lines]);
      expect(live).toEqual(ref);
    } finally {
      await traffic?.finish().catch(() => undefined);
      await sim?.stop();
      await ch?.close();
      for (const s of services.reverse()) await s.stop();
      await server?.stop();
      await nats?.stop();
    }
  }, 600_000);
});
