// What the report commands share: writing a file atomically, opening the store for one command,
// and fetching a file from a running `tablero start` with the local CLI token.
import { rename, rm, writeFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { ClickHouse } from '@tablero/sql';
import type { Config } from '../config.ts';
import { createLogger } from '../log.ts';
import { openStore, type RunningInstance } from '../runtime.ts';

/** Temp file then rename: a reader never sees half a report. */
export async function writeOut(path: string, body: Buffer): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, body);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new Error(`cannot write ${path}`, { cause: err });
  }
}

export async function withStore<T>(cfg: Config, f: (ch: ClickHouse, log: Logger) => Promise<T>): Promise<T> {
  const log = createLogger(cfg.LOG_LEVEL === 'info' ? 'warn' : cfg.LOG_LEVEL, 'tablero-export');
  const ch = await openStore(cfg, log);
  try {
    return await f(ch, log);
  } finally {
    await ch.close();
  }
}

/** GET `path` of the running instance; a refusal becomes an Error with its message. */
export async function fetchFile(running: RunningInstance, path: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(new URL(path, running.url), { headers: { authorization: `Bearer ${running.cli_token}` } });
  } catch (err) {
    throw new Error(`cannot reach the running Tablero at ${running.url}`, { cause: err });
  }
  if (!res.ok) {
    const e = (await res.json().catch(() => ({}))) as { message?: string };
    throw new Error(`the running Tablero answered ${res.status}: ${e.message ?? res.statusText}`);
  }
  return res;
}
