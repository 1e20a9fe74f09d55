// How the CLI talks to a running `tablero start` on the same data directory (embedded ClickHouse
// allows one process per directory, so commands go through its HTTP API instead).
import type { ClickHouse } from '@tablero/sql';
import { loadConfig, type Config } from '../config.ts';
import { createLogger } from '../log.ts';
import { findRunning, openStore, type RunningInstance } from '../runtime.ts';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function apiRequest<T>(running: RunningInstance, method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(new URL(path, running.url), {
      method,
      headers: {
        authorization: `Bearer ${running.cli_token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (err) {
    throw new Error(`cannot reach the running Tablero at ${running.url}`, { cause: err });
  }
  const text = await res.text();
  const parsed: unknown = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const e = (parsed ?? {}) as { code?: string; message?: string };
    throw new ApiError(res.status, e.code ?? 'TABLERO_ERR_HTTP', e.message ?? `HTTP ${res.status}`);
  }
  return parsed as T;
}

/**
 * A read the CLI answers from the stored data: through a running `tablero start`'s API when one
 * holds the data directory (it says so on stderr), else from the store opened here.
 */
export async function readStoredOrApi<T>(name: string, apiPath: string, read: (ch: ClickHouse, cfg: Config) => Promise<T>): Promise<T> {
  const cfg = loadConfig();
  const running = findRunning(cfg.dataDir);
  if (running && !cfg.CLICKHOUSE_URL) {
    process.stderr.write(`using the running Tablero at ${running.url} (it holds ${cfg.dataDir})\n`);
    return apiRequest<T>(running, 'GET', apiPath);
  }
  const log = createLogger(cfg.LOG_LEVEL === 'info' ? 'warn' : cfg.LOG_LEVEL, `tablero-${name}`);
  const ch = await openStore(cfg, log);
  try {
    return await read(ch, cfg);
  } finally {
    await ch.close();
  }
}
