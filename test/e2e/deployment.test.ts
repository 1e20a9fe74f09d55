// Issue 14, item 11, with the real `tablero start`: it listens on 127.0.0.1 unless HOST says
// otherwise (not reachable on the machine's other addresses), its data directory is 0700 and
// every file it writes there (embedded ClickHouse's included) is owner-only, HSTS is sent only
// when TABLERO_HSTS_MAX_AGE_S is set, and an export schedule naming a folder outside the
// exports folder is refused with the reason.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTablero } from '../support/tablero-process.ts';

/** Every file and folder under `dir`, with its permission bits. */
function modes(dir: string): Array<{ path: string; dir: boolean; mode: number }> {
  const out: Array<{ path: string; dir: boolean; mode: number }> = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isSymbolicLink()) continue;
    out.push({ path, dir: e.isDirectory(), mode: statSync(path).mode & 0o777 });
    if (e.isDirectory()) out.push(...modes(path));
  }
  return out;
}

function tcpConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.setTimeout(3_000, () => {
      s.destroy();
      resolve('timeout');
    });
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });
}

describe('deployment defaults of tablero start', () => {
  it('binds 127.0.0.1, keeps its data owner-only, sends no HSTS, refuses a schedule outside the exports folder', async () => {
    // A data directory tablero creates itself (mkdtemp's own would already be 0700).
    const parent = mkdtempSync(join(tmpdir(), 'tablero-deploy-'));
    const t = await startTablero({ args: ['--no-simulate'], dataDir: join(parent, 'data') });
    try {
      const url = new URL(t.url);
      expect(url.hostname).toBe('127.0.0.1');
      const other = Object.values(networkInterfaces()).flat().find((i) => i && !i.internal && i.family === 'IPv4');
      expect(other).toBeDefined();
      expect(await tcpConnect(other?.address ?? '', Number(url.port))).toBe('ECONNREFUSED');
      expect(await tcpConnect('127.0.0.1', Number(url.port))).toBe('connected');

      expect(statSync(t.dataDir).mode & 0o777).toBe(0o700);
      const written = modes(t.dataDir);
      // chDB's own files are many; none may be readable by group or others.
      expect(written.filter((w) => w.path.includes(`${join(t.dataDir, 'clickhouse')}/`) && !w.dir).length).toBeGreaterThan(10);
      expect(written.filter((w) => (w.mode & 0o077) !== 0)).toEqual([]);
      expect(statSync(join(t.dataDir, 'initial-admin.txt')).mode & 0o777).toBe(0o600);

      const health = await fetch(`${t.url}/api/health`);
      expect(health.headers.get('strict-transport-security')).toBeNull();

      // Admin over the CLI's bearer token (running.json), as `tablero` commands reach a running start.
      const { cli_token: token } = JSON.parse(readFileSync(join(t.dataDir, 'running.json'), 'utf8')) as { cli_token: string };
      const put = (folder: string): Promise<Response> =>
        fetch(`${t.url}/api/exports/schedules/board`, {
          method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ every: 'monthly', formats: ['csv'], folder }),
        });
      const refused = await put('/tmp');
      expect(refused.status).toBe(400);
      const exportsDir = join(t.dataDir, 'exports');
      expect(await refused.json()).toEqual({
        code: 'TABLERO_ERR_BAD_REQUEST',
        message: `invalid export schedule: folder_outside_exports (the folder must be ${exportsDir} or a folder inside it; set by TABLERO_EXPORTS_DIR)`,
      });
      const saved = await put(join(exportsDir, 'monthly'));
      expect(saved.status).toBe(200);
    } finally {
      await t.stop();
      rmSync(parent, { recursive: true, force: true });
    }
  }, 120_000);

  it('sends Strict-Transport-Security when TABLERO_HSTS_MAX_AGE_S is set, and listens where HOST says', async () => {
    const t = await startTablero({ args: ['--no-simulate'], env: { TABLERO_HSTS_MAX_AGE_S: '31536000', HOST: '0.0.0.0' } });
    try {
      const url = new URL(t.url);
      const res = await fetch(`${t.url}/api/health`);
      expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000');
      const other = Object.values(networkInterfaces()).flat().find((i) => i && !i.internal && i.family === 'IPv4');
      expect(await tcpConnect(other?.address ?? '', Number(url.port))).toBe('connected');
    } finally {
      await t.stop();
    }
  }, 120_000);
});
