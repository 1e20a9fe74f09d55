// Test support: the real `tablero start` as a child process on a temp data directory, found
// through the files it writes there (running.json, initial-admin.txt).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './nats-server.ts';
import { waitFor } from './wait-for.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const TABLERO_BIN = join(REPO_ROOT, 'bin/tablero.mjs');

export interface TableroRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one `tablero` command to its end on `dataDir` (stdin given or empty). */
export function runTablero(args: string[], opts: { dataDir: string; stdin?: string; env?: Record<string, string> }): Promise<TableroRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TABLERO_BIN, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, TABLERO_DATA_DIR: opts.dataDir, LOG_LEVEL: 'warn', TZ: 'UTC', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(opts.stdin ?? '');
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

function readRunning(dataDir: string): { pid: number; url: string } | null {
  const file = join(dataDir, 'running.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { pid: number; url: string }) : null;
}

export interface TableroProcess {
  url: string;
  dataDir: string;
  child: ChildProcess;
  admin: { password: string; kioskToken: string };
  output(): string;
  stop(): Promise<void>;
}

export async function startTablero(opts: { args: string[]; env?: Record<string, string>; dataDir?: string; nodeArgs?: string[] }): Promise<TableroProcess> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'tablero-e2e-'));
  const port = await freePort();
  let out = '';
  // nodeArgs: flags for node itself (a benchmark's --cpu-prof, which NODE_OPTIONS does not take).
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), TABLERO_BIN, 'start', '--port', String(port), ...opts.args], {
    cwd: REPO_ROOT,
    // No HOST: the default (127.0.0.1) is what a user gets, and what test/e2e/deployment.test.ts checks.
    env: { ...process.env, TABLERO_DATA_DIR: dataDir, LOG_LEVEL: 'warn', TZ: 'UTC', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  try {
    await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`tablero start exited with ${child.exitCode}: ${out}`);
        // running.json of this child: one left by a process killed on the same data directory does not count.
        return readRunning(dataDir)?.pid === child.pid && existsSync(join(dataDir, 'initial-admin.txt'));
      },
      { timeoutMs: 60_000, what: 'tablero start to be ready' },
    );
  } catch (err) {
    await stop();
    throw new Error(`tablero start did not come up: ${out}`, { cause: err });
  }
  const running = readRunning(dataDir) ?? { url: '' };
  const initial = readFileSync(join(dataDir, 'initial-admin.txt'), 'utf8');
  const password = /password: (\S+)/.exec(initial)?.[1] ?? '';
  const kioskToken = /kiosk=([^#\s]+)/.exec(initial)?.[1] ?? '';
  return {
    url: running.url.replace('0.0.0.0', '127.0.0.1'),
    dataDir,
    child,
    admin: { password, kioskToken },
    output: () => out,
    async stop() {
      await stop();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `tablero start` tailing an empty temp queue_log (no simulator): the usual end-to-end setup. */
export async function startTableroOnQueueLog(): Promise<{ tablero: TableroProcess; queueLog: string; dispose(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'tablero-pbx-'));
  const queueLog = join(dir, 'queue_log');
  writeFileSync(queueLog, '');
  const tablero = await startTablero({ args: ['--source', queueLog, '--no-simulate'] });
  return {
    tablero,
    queueLog,
    async dispose() {
      await tablero.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One service of the production topology (`tablero ingest|processor|dashboard`) as a child process. */
export interface TableroService {
  child: ChildProcess;
  output(): string;
  /** Waits for its `<command> running` log line (it logs at info). */
  running(): Promise<void>;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

export function spawnTableroService(command: 'ingest' | 'processor' | 'dashboard', opts: { dataDir: string; env: Record<string, string>; args?: string[] }): TableroService {
  let out = '';
  const child = spawn(process.execPath, [TABLERO_BIN, command, ...(opts.args ?? [])], {
    cwd: REPO_ROOT,
    env: { ...process.env, TABLERO_DATA_DIR: opts.dataDir, LOG_LEVEL: 'info', TZ: 'UTC', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    child,
    output: () => out,
    async running() {
      const line = `"msg":"${command} running"`;
      await waitFor(() => child.exitCode !== null || out.includes(line), { timeoutMs: 60_000, what: `tablero ${command} running` });
      if (child.exitCode !== null) throw new Error(`tablero ${command} exited with ${child.exitCode}: ${out}`);
    },
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
  };
}
