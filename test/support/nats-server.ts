// Test support: a real nats-server with JetStream on a free port and a temporary store,
// killed by pid when the test is done (Debian's nats-server package).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait-for.ts';

export interface NatsServer {
  url: string;
  port: number;
  pid: number;
  storeDir: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startNatsServer(opts: { storeDir?: string; port?: number } = {}): Promise<NatsServer> {
  const storeDir = opts.storeDir ?? mkdtempSync(join(tmpdir(), 'tablero-nats-'));
  const port = opts.port ?? (await freePort());
  const child: ChildProcess = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitFor(() => portOpen(port), { timeoutMs: 10_000, what: `nats-server on port ${port}` });
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`nats-server did not start: ${stderr}`, { cause: err });
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    pid: child.pid ?? 0,
    storeDir,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      if (!opts.storeDir) rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
