// The production topology on loopback, as several e2e tests need it: a real nats-server,
// ClickHouse as a server process (the chDB HTTP shim), `tablero processor` and `tablero
// dashboard` as separate processes sharing `env`, and a client on the store for the checks.
// `stopClickHouse` / `startClickHouse` take the store away and bring it back on the same port and
// data; `stop` ends everything and removes the temporary folders.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openClickHouse, type ClickHouse } from '@tablero/sql';
import { spawnChdbHttpServer, type ChdbHttpChild } from '../../bench/support/chdb-http-server.ts';
import { freePort, startNatsServer, type NatsServer } from './nats-server.ts';
import { spawnTableroService, type TableroService } from './tablero-process.ts';

export interface ServiceStack {
  nats: NatsServer;
  processor: TableroService;
  dashboard: TableroService;
  /** The dashboard's address. */
  url: string;
  ch: ClickHouse;
  stopClickHouse(): Promise<void>;
  startClickHouse(): Promise<void>;
  stop(): Promise<void>;
}

/** `env(natsUrl, clickhouseUrl)`: the services' environment (NATS_URL and CLICKHOUSE_URL included). */
export async function startServiceStack(env: (natsUrl: string, clickhouseUrl: string) => Record<string, string>): Promise<ServiceStack> {
  const dirs: string[] = [];
  const tmp = (prefix: string): string => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
  const nats = await startNatsServer();
  const chDir = tmp('tablero-nats-ch-');
  const chPort = await freePort();
  let server: ChdbHttpChild | null = null;
  const started: TableroService[] = [];
  const cleanUp = async (): Promise<void> => {
    for (const s of started.reverse()) await s.stop();
    await server?.stop();
    await nats.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  };
  let processor: TableroService;
  let dashboard: TableroService;
  let port: number;
  let ch: ClickHouse;
  try {
    server = await spawnChdbHttpServer(chDir, { port: chPort });
    const shared = env(nats.url, server.url);
    processor = spawnTableroService('processor', { dataDir: tmp('tablero-processor-'), env: shared });
    started.push(processor);
    await processor.running();
    port = await freePort();
    dashboard = spawnTableroService('dashboard', { dataDir: tmp('tablero-dashboard-'), env: { ...shared, PORT: String(port) } });
    started.push(dashboard);
    await dashboard.running();
    ch = await openClickHouse({ url: server.url, database: 'tablero', dataDir: chDir });
  } catch (err) {
    // A stack that failed to start leaves no process or folder behind.
    await cleanUp();
    throw err;
  }
  return {
    nats,
    processor,
    dashboard,
    url: `http://127.0.0.1:${port}`,
    ch,
    async stopClickHouse() {
      await server?.stop();
      server = null;
    },
    async startClickHouse() {
      server = await spawnChdbHttpServer(chDir, { port: chPort });
    },
    async stop() {
      await ch.close();
      await cleanUp();
    },
  };
}
