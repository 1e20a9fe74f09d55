// Shared plumbing of the commands: opening the bus and ClickHouse from the configuration,
// the session secret, and the file through which other commands find a running `tablero start`.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ClickHouseLockedError, migrate, openClickHouse, type ClickHouse, type ClusterOptions } from '@tablero/sql';
import type { Bus } from './bus/index.ts';
import type { Config } from './config.ts';
import { UsageError } from './commands/usage.ts';

/** Files this process creates: owner only (0600, folders 0700). */
const PRIVATE_UMASK = 0o077;

/**
 * Creates the data directory owner-only (0700) and makes every file this process writes from now
 * on owner-only (umask 077): embedded ClickHouse keeps password hashes and caller numbers there,
 * and under the usual umask 022 its files were world-readable (issue 14). An existing directory
 * is tightened too; one this user cannot chmod (a mounted volume) is left as it is.
 */
export function prepareDataDir(dataDir: string): void {
  process.umask(PRIVATE_UMASK);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    chmodSync(dataDir, 0o700);
  } catch {
    // not ours to change: the operator chose its permissions
  }
}

export async function openBus(cfg: Config, log: Logger, name: string): Promise<Bus> {
  if (!cfg.NATS_URL) {
    if (cfg.TABLERO_PARTITIONS > 0) throw new UsageError('TABLERO_PARTITIONS needs NATS (NATS_URL): the in-process bus has one processor');
    const { MemoryBus } = await import('./bus/memory-bus.ts');
    return new MemoryBus();
  }
  // Loaded here, not with this module: the NATS client is ~70 modules that the commands working on
  // the store alone (kpis, export...) never need.
  const { NatsBus, PartitionedBus } = await import('./bus/index.ts');
  const servers = cfg.NATS_URL.split(',').map((s) => s.trim()).filter(Boolean);
  const bus = await NatsBus.connect({ servers, name, replicas: cfg.TABLERO_STREAM_REPLICAS, pullExpiresMs: cfg.TABLERO_NATS_PULL_EXPIRES_MS });
  log.info({ nats: servers, replicas: cfg.TABLERO_STREAM_REPLICAS, partitions: cfg.TABLERO_PARTITIONS }, 'bus connected');
  return cfg.TABLERO_PARTITIONS > 0 ? new PartitionedBus(bus, cfg.TABLERO_PARTITIONS) : bus;
}

/**
 * Embedded ClickHouse allows one process per data directory, and chDB reports a second one on
 * stderr itself. Our own lock file (pid inside, stale after a crash) lets us refuse first, in
 * one line.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, 'tablero.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      const release = (): void => {
        try {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file, { force: true });
        } catch {
          // already gone
        }
      };
      process.once('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
        throw new UsageError(
          `the data directory ${dataDir} is in use by another Tablero process (pid ${pid}); embedded ClickHouse allows one process per directory`,
        );
      }
      rmSync(file, { force: true }); // left by a process that died
    }
  }
  throw new UsageError(`cannot lock the data directory ${dataDir}`);
}

export async function openStore(cfg: Config, log: Logger): Promise<ClickHouse> {
  prepareDataDir(cfg.dataDir);
  const release = cfg.CLICKHOUSE_URL ? () => undefined : lockDataDir(cfg.dataDir);
  let ch: ClickHouse;
  try {
    ch = await openClickHouse({
      url: cfg.CLICKHOUSE_URL,
      user: cfg.CLICKHOUSE_USER,
      password: cfg.CLICKHOUSE_PASSWORD,
      database: cfg.CLICKHOUSE_DATABASE,
      dataDir: cfg.dataDir,
      // Sharded: an insert reaches its shard before it is answered, so its dedup token is
      // checked there now (a background send would answer before the shard saw it).
      ...(cfg.TABLERO_CLICKHOUSE_SHARDED ? { settings: { distributed_foreground_insert: 1 } } : {}),
    });
  } catch (err) {
    release();
    if (err instanceof ClickHouseLockedError) {
      throw new UsageError(
        `the data directory ${cfg.dataDir} is in use by another Tablero process (embedded ClickHouse allows one process per directory)`,
      );
    }
    throw err;
  }
  const result = await migrate(ch.client, undefined, clusterOf(cfg));
  if (result.applied.length > 0) log.info({ applied: result.applied }, 'migrations applied');
  return {
    ...ch,
    close: async () => {
      await ch.close();
      release();
    },
  };
}

/** The ClickHouse cluster the migrations target, or null for one server (or embedded). */
export function clusterOf(cfg: Config): ClusterOptions | null {
  return cfg.TABLERO_CLICKHOUSE_CLUSTER ? { cluster: cfg.TABLERO_CLICKHOUSE_CLUSTER, sharded: cfg.TABLERO_CLICKHOUSE_SHARDED } : null;
}

/** The session secret: from the environment, else generated once and kept in the data directory (mode 600). */
export function sessionSecret(cfg: Config): string {
  if (cfg.TABLERO_SESSION_SECRET) return cfg.TABLERO_SESSION_SECRET;
  const file = join(cfg.dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  prepareDataDir(cfg.dataDir);
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** Written by `tablero start` so that `kpis` / `import` on the same data directory use its HTTP API. */
export interface RunningInstance {
  pid: number;
  url: string;
  /** Bearer token accepted by the running dashboard as an admin API client (never leaves this machine). */
  cli_token: string;
  started_at: string;
}

export function runningFile(dataDir: string): string {
  return join(dataDir, 'running.json');
}

export function writeRunning(dataDir: string, info: RunningInstance): void {
  const file = runningFile(dataDir);
  writeFileSync(`${file}.tmp`, JSON.stringify(info, null, 2), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

export function removeRunning(dataDir: string): void {
  rmSync(runningFile(dataDir), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The running `tablero start` on this data directory, if any (a stale file from a crash is ignored). */
export function findRunning(dataDir: string): RunningInstance | null {
  const file = runningFile(dataDir);
  if (!existsSync(file)) return null;
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as RunningInstance;
    return alive(info.pid) && info.pid !== process.pid ? info : null;
  } catch {
    return null;
  }
}

/** Resolves on the first SIGINT or SIGTERM: the long-running commands then stop gracefully. */
/**
 * Waits for SIGINT/SIGTERM, or for a service of this process to die (then logged, and returned:
 * the caller stops the rest and exits non-zero, so that a supervisor starts the process again).
 */
export async function untilStopOrFailure(services: { failed: Promise<Error> }, log: Logger): Promise<Error | null> {
  const failure = await Promise.race([waitForStopSignal(log).then(() => null), services.failed]);
  if (failure) log.error({ err: failure }, 'a service stopped working: stopping the process');
  return failure;
}

export function waitForStopSignal(log?: Logger): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string): void => {
      log?.info({ signal }, 'stopping');
      resolve(signal);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
