// One service per process, for production: NATS JetStream between them, a ClickHouse server.
import type { Command } from '../cli.ts';
import { loadConfig, type Config } from '../config.ts';
import { createLogger } from '../log.ts';
import { openBus, openStore, prepareDataDir, sessionSecret, untilStopOrFailure } from '../runtime.ts';
import { composeServices, type ComposeOptions } from './compose.ts';
import { startMetricsServer, type MetricsServer } from '../metrics-server.ts';
import { parseSource } from './start.ts';
import { UsageError, stringList } from './usage.ts';
import type { ClickHouse } from '@tablero/sql';

type Which = 'ingest' | 'processor' | 'dashboard';

function requireNats(cfg: Config, which: Which): void {
  if (!cfg.NATS_URL) {
    throw new UsageError(`'tablero ${which}' runs one service and needs NATS_URL; use 'tablero start' for the all-in-one run`);
  }
}

async function runService(which: Which, values: Record<string, unknown>): Promise<number> {
  const cfg = loadConfig();
  requireNats(cfg, which);
  const log = createLogger(cfg.LOG_LEVEL, `tablero-${which}`);
  const site = typeof values.site === 'string' ? values.site : cfg.TABLERO_SITE;
  const sources = stringList(values.source).map((s) => parseSource(s, site));
  if (which === 'ingest' && sources.length === 0) throw new UsageError('give at least one --source PATH');
  prepareDataDir(cfg.dataDir); // ingest's checkpoints live there too
  const bus = await openBus(cfg, log, `tablero-${which}`);
  let ch: ClickHouse | null = null;
  let services: Awaited<ReturnType<typeof composeServices>>;
  try {
    // Ingest alone never touches ClickHouse.
    ch = which === 'ingest' ? null : await openStore(cfg, log);
    const options: ComposeOptions = {
      cfg,
      log,
      bus,
      ch,
      site,
      sources,
      simulate: false,
      port: cfg.PORT,
      sessionSecret: which === 'dashboard' ? sessionSecret(cfg) : '',
      runIngest: which === 'ingest',
      runProcessor: which === 'processor',
      runDashboard: which === 'dashboard',
    };
    services = await composeServices(options);
  } catch (err) {
    // Refused or failed to start (another processor holds the stream, ClickHouse unreachable, a
    // port in use): what is open is closed, or it would keep the process alive after its error.
    await bus.close();
    await ch?.close();
    throw err;
  }
  // ingest and processor have no HTTP server: /metrics gets its own listener, behind the token.
  let metrics: MetricsServer | null = null;
  if (which !== 'dashboard' && cfg.TABLERO_METRICS_TOKEN) {
    try {
      metrics = await startMetricsServer({ host: cfg.HOST, port: cfg.TABLERO_METRICS_PORT, token: cfg.TABLERO_METRICS_TOKEN, log });
    } catch (err) {
      await services.stop();
      await bus.close();
      await ch?.close();
      throw err;
    }
  }
  log.info({ url: services.url, metrics: metrics?.url ?? null }, `${which} running`);
  const failure = await untilStopOrFailure(services, log);
  await metrics?.close();
  await services.stop();
  await bus.close();
  await ch?.close();
  if (failure) throw failure;
  return 0;
}

export const ingestCommand: Command = {
  summary: 'production: tail PBX files and publish to NATS (needs NATS_URL)',
  usage: 'Usage: tablero ingest --source PATH [--source PATH]... [--site ID]   (NATS_URL required)',
  options: { source: { type: 'string', multiple: true }, site: { type: 'string' } },
  run: (values) => runService('ingest', values),
};

export const processorCommand: Command = {
  summary: 'production: build stints and KPIs from NATS into ClickHouse (needs NATS_URL)',
  usage: 'Usage: tablero processor   (NATS_URL and CLICKHOUSE_URL recommended)',
  options: {},
  run: (values) => runService('processor', values),
};

export const dashboardCommand: Command = {
  summary: 'production: the web dashboard, API and WebSocket fan-out (needs NATS_URL)',
  usage: 'Usage: tablero dashboard   (NATS_URL and CLICKHOUSE_URL recommended; PORT, TABLERO_SESSION_SECRET)',
  options: {},
  run: (values) => runService('dashboard', values),
};
