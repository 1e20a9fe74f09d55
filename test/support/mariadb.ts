// Test support: a real MariaDB server (Debian's mariadb-server) on a free port with a temporary
// data directory, started and killed by pid like nats-server; restartable on the same data.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type Connection } from 'mysql2/promise';
import { freePort } from './nats-server.ts';
import { waitFor } from './wait-for.ts';

export interface MariaDb {
  port: number;
  /** A connection as root over the server's socket (to create schemas, users and rows). */
  admin(database?: string): Promise<Connection>;
  /** Stops the server (SIGTERM, then waits for it to exit). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  dispose(): Promise<void>;
}

export async function startMariaDb(): Promise<MariaDb> {
  const dir = mkdtempSync(join(tmpdir(), 'tablero-mariadb-'));
  const dataDir = join(dir, 'data');
  const socket = join(dir, 'mysqld.sock');
  const port = await freePort();
  const init = spawnSync('mariadb-install-db', ['--no-defaults', `--datadir=${dataDir}`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db'], { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`mariadb-install-db failed: ${init.stderr}`);
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const start = async (): Promise<void> => {
    let stderr = '';
    child = spawn('mariadbd', ['--no-defaults', `--datadir=${dataDir}`, `--socket=${socket}`, `--port=${port}`, '--bind-address=127.0.0.1', '--user=root', '--skip-log-bin', `--pid-file=${join(dir, 'pid')}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const c = child;
    exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    await waitFor(
      async () => {
        if (c.exitCode !== null) throw new Error(`mariadbd exited: ${stderr}`);
        try {
          const conn = await createConnection({ socketPath: socket, user: 'root' });
          await conn.end();
          return true;
        } catch {
          return false;
        }
      },
      { timeoutMs: 60_000, what: `mariadbd on port ${port}` },
    );
  };
  const stop = async (): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };
  await start();
  return {
    port,
    admin: (database) => createConnection({ socketPath: socket, user: 'root', ...(database ? { database } : {}), multipleStatements: true }),
    stop,
    start,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
