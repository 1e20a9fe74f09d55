// Test support: a three-server nats-server cluster with JetStream on loopback (client and cluster
// route ports free ports, a store directory each), the same layout as deploy/nats/*.conf with
// options Debian's nats-server 2.9 knows. A server can be SIGKILLed and started again on the same
// ports and store, as an operator would restart it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './nats-server.ts';
import { waitFor } from './wait-for.ts';

export interface ClusterServer {
  name: string;
  url: string;
  pid(): number;
  running(): boolean;
}

export interface NatsCluster {
  servers: ClusterServer[];
  /** Every client URL, comma-separated (what NATS_URL gets). */
  urls: string;
  kill(name: string): Promise<void>;
  restart(name: string): Promise<void>;
  stop(): Promise<void>;
}

interface Node {
  name: string;
  port: number;
  routePort: number;
  conf: string;
  child: ChildProcess | null;
  exited: Promise<void>;
  stderr: string;
}

export async function startNatsCluster(size = 3): Promise<NatsCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'tablero-natsc-'));
  const nodes: Node[] = [];
  for (let i = 0; i < size; i++) nodes.push({ name: `n${i + 1}`, port: await freePort(), routePort: await freePort(), conf: '', child: null, exited: Promise.resolve(), stderr: '' });
  const routes = nodes.map((n) => `nats-route://127.0.0.1:${n.routePort}`).join(', ');
  for (const n of nodes) {
    const store = join(dir, n.name);
    mkdirSync(store, { recursive: true });
    n.conf = join(dir, `${n.name}.conf`);
    writeFileSync(
      n.conf,
      [
        `server_name: ${n.name}`,
        `listen: 127.0.0.1:${n.port}`,
        `jetstream { store_dir: "${store}" }`,
        `cluster { name: tablero, listen: 127.0.0.1:${n.routePort}, routes: [${routes}] }`,
        '',
      ].join('\n'),
    );
  }
  const launch = (n: Node): void => {
    const child = spawn('nats-server', ['-c', n.conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    n.stderr = '';
    child.stderr?.on('data', (d: Buffer) => (n.stderr = (n.stderr + d.toString()).slice(-4000)));
    n.exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    n.child = child;
  };
  const kill = async (n: Node): Promise<void> => {
    if (n.child && n.child.exitCode === null && n.child.signalCode === null) n.child.kill('SIGKILL');
    await n.exited;
  };
  const ready = async (): Promise<void> => {
    // JetStream in a cluster answers once a meta leader is elected: /healthz?js-enabled-only is not
    // in 2.9, so ask every server for its JetStream account info over a plain connection.
    const { connect } = await import('@nats-io/transport-node');
    const { jetstreamManager } = await import('@nats-io/jetstream');
    for (const n of nodes.filter((x) => x.child && x.child.exitCode === null)) {
      await waitFor(
        async () => {
          try {
            const nc = await connect({ servers: `nats://127.0.0.1:${n.port}`, reconnect: false });
            try {
              await (await jetstreamManager(nc, { timeout: 2_000 })).getAccountInfo();
              return true;
            } finally {
              await nc.close();
            }
          } catch {
            return false;
          }
        },
        { timeoutMs: 60_000, intervalMs: 250, what: `JetStream on ${n.name}: ${n.stderr}` },
      );
    }
  };
  for (const n of nodes) launch(n);
  await ready();
  const byName = (name: string): Node => {
    const n = nodes.find((x) => x.name === name);
    if (!n) throw new Error(`no server ${name}`);
    return n;
  };
  return {
    servers: nodes.map((n) => ({ name: n.name, url: `nats://127.0.0.1:${n.port}`, pid: () => n.child?.pid ?? 0, running: () => n.child?.exitCode === null && n.child.signalCode === null })),
    urls: nodes.map((n) => `nats://127.0.0.1:${n.port}`).join(','),
    kill: (name) => kill(byName(name)),
    async restart(name) {
      const n = byName(name);
      await kill(n);
      launch(n);
      await ready();
    },
    async stop() {
      for (const n of nodes) await kill(n);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
