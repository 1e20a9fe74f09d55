// `tablero start`: everything in one process. Embedded ClickHouse (chDB) and the in-process bus
// unless CLICKHOUSE_URL / NATS_URL are set; the traffic simulator unless real sources are given.
import { randomBytes } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Command } from '../cli.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { openBus, openStore, prepareDataDir, removeRunning, sessionSecret, untilStopOrFailure, writeRunning } from '../runtime.ts';
import { UsageError, intOption, stringList } from './usage.ts';
import { composeServices, type SourceSpec } from './compose.ts';
import { cdrDbSourceName } from '@tablero/ingest';

const usage = `Usage: tablero start [--source PATH]... [--site ID] [--no-simulate] [--port N]
                     [--queues N] [--agents N] [--calls-per-hour N]

Runs ingest, processor and dashboard in one process (embedded ClickHouse under TABLERO_DATA_DIR,
in-process bus). With no --source it runs the traffic simulator so the wallboard is live at once.
  --source PATH   tail a queue_log or Master.csv file (repeatable); the kind is taken from the
                  name (*.csv = CDR) unless written as queue_log:PATH or cdr:PATH;
                  mysql://user:password@host/asteriskcdrdb reads new rows of its cdr and
                  queue_log tables (?cdr=TABLE|none&queue_log=TABLE|none to choose)
  --site ID       site id of the sources (default TABLERO_SITE or 'default')
  --no-simulate   do not run the simulator
  --queues N      simulated queues (default 3)
  --agents N      simulated agents (default 12)
  --calls-per-hour N  simulated arrivals per hour over all queues (default 240)
  --port N        dashboard port (default PORT or 8080)`;

export function parseSource(arg: string, site: string): SourceSpec {
  if (/^mysql:\/\//i.test(arg)) {
    let url: URL;
    try {
      url = new URL(arg);
    } catch {
      throw new UsageError(`--source ${arg.replace(/:[^:@/]*@/, ':***@')}: not a mysql://user:password@host/asteriskcdrdb address`);
    }
    // ?cdr=<table>|none and ?queue_log=<table>|none choose the tables (default cdr; queue_log, then queuelog).
    const tables: { cdr?: string | null; queueLog?: string | null } = {};
    for (const [param, key] of [['cdr', 'cdr'], ['queue_log', 'queueLog']] as const) {
      const v = url.searchParams.get(param);
      if (v === null) continue;
      if (!/^[A-Za-z0-9_]{1,64}$/.test(v)) throw new UsageError(`--source ...?${param}=${v}: a table name (letters, digits, _) or none`);
      tables[key] = v === 'none' ? null : v;
      url.searchParams.delete(param);
    }
    for (const param of url.searchParams.keys()) throw new UsageError(`--source mysql://...?${param}=: unknown parameter (cdr, queue_log)`);
    url.search = '';
    return { db: url.toString(), site, ...tables };
  }
  const m = /^(queue_log|cdr):(.+)$/.exec(arg);
  if (m) return { kind: m[1] as 'queue_log' | 'cdr', path: m[2] as string, site };
  if (!arg) throw new UsageError('--source needs a path');
  const kind = /\.csv(\.gz)?$/i.test(basename(arg)) ? 'cdr' : 'queue_log';
  return { kind, path: arg, site };
}

export const startCommand: Command = {
  summary: 'run everything in one process (embedded by default, simulator when no source)',
  usage,
  options: {
    source: { type: 'string', multiple: true },
    site: { type: 'string' },
    simulate: { type: 'boolean', default: true },
    port: { type: 'string' },
    queues: { type: 'string' },
    agents: { type: 'string' },
    'calls-per-hour': { type: 'string' },
  },
  async run(values) {
    const cfg = loadConfig();
    const log = createLogger(cfg.LOG_LEVEL);
    const site = typeof values.site === 'string' ? values.site : cfg.TABLERO_SITE;
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(site)) throw new UsageError(`--site must be letters, digits, _ or -: '${site}'`);
    const port = values.port === undefined ? cfg.PORT : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, got '${String(values.port)}'`);
    const sources = stringList(values.source).map((s) => parseSource(s, site));
    const simulate = values.simulate !== false && sources.length === 0;
    const simulator = {
      queues: intOption('queues', values.queues, 1),
      agents: intOption('agents', values.agents, 1),
      callsPerHour: intOption('calls-per-hour', values['calls-per-hour'], 1),
    };
    if (!simulate && Object.values(simulator).some((v) => v !== undefined)) {
      throw new UsageError('--queues, --agents and --calls-per-hour size the simulator: not with --source or --no-simulate');
    }

    prepareDataDir(cfg.dataDir);
    const ch = await openStore(cfg, log);
    const bus = await openBus(cfg, log, 'tablero-start').catch(async (err: unknown) => {
      await ch.close(); // else it keeps the process alive after the error
      throw err;
    });
    const cliToken = randomBytes(32).toString('base64url');
    let services: Awaited<ReturnType<typeof composeServices>>;
    try {
      services = await composeServices({
        cfg,
        log,
        bus,
        ch,
        site,
        sources,
        simulate,
        simulator,
        port,
        sessionSecret: sessionSecret(cfg),
        cliToken,
        runIngest: true,
        runProcessor: true,
        runDashboard: true,
      });
    } catch (err) {
      await bus.close();
      await ch.close();
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new UsageError(`port ${port} is already in use: set PORT or --port`, { cause: err });
      }
      throw err;
    }
    if (services.firstAdmin) {
      // Whole or absent (temp file + rename), and before running.json: whoever sees the instance
      // running finds the first credentials complete.
      const file = join(cfg.dataDir, 'initial-admin.txt');
      writeFileSync(
        `${file}.tmp`,
        `user: admin\npassword: ${services.firstAdmin.password}\nkiosk: ${services.url}${services.firstAdmin.kioskPath}\n`,
        { mode: 0o600 },
      );
      renameSync(`${file}.tmp`, file);
    }
    writeRunning(cfg.dataDir, { pid: process.pid, url: services.url ?? '', cli_token: cliToken, started_at: new Date().toISOString() });

    const banner = [
      '',
      `Tablero is running: ${services.url}`,
      `  data directory: ${cfg.dataDir} (ClickHouse: ${ch.embedded ? 'embedded chDB' : cfg.CLICKHOUSE_URL}; bus: ${bus.kind})`,
      services.simulatorDir
        ? `  traffic simulator writing ${join(services.simulatorDir, 'queue_log')} (use --source to read a real PBX instead)`
        : `  sources: ${sources.map((s) => ('db' in s ? cdrDbSourceName(s.db, '*') : `${s.kind}:${s.path}`)).join(', ') || 'none'}`,
    ];
    if (services.firstAdmin) {
      banner.push(
        `  first start: created user 'admin' with password ${services.firstAdmin.password}`,
        `  wallboard kiosk link (no login): ${services.url}${services.firstAdmin.kioskPath}`,
        `  (both saved in ${join(cfg.dataDir, 'initial-admin.txt')}, readable only by you)`,
      );
    }
    banner.push('Press Ctrl+C to stop.', '');
    process.stdout.write(banner.join('\n'));

    const failure = await untilStopOrFailure(services, log);
    await services.stop();
    removeRunning(cfg.dataDir);
    await bus.close();
    await ch.close();
    if (failure) throw failure;
    return 0;
  },
};
