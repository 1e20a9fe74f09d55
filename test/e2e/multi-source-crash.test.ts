// Issue 14, "several sources on one site", with the real `tablero start` (embedded chDB,
// in-process bus) SIGKILLed 5 times while three sources feed site `default` on the same queues:
// a tailed queue_log of live calls, a shipper pushing other calls over HTTP (after a failed push
// it goes back to its last saved place, so lines already stored come again inside a larger body
// under new event ids: only the same-line rule keeps them from counting twice), and the traffic
// simulator. The simulator runs as its own
// `tablero simulate` process writing a file that `tablero start` tails (`start` runs its built-in
// simulator only when no --source is given, and a built-in one would log a new QUEUESTART at each
// restart, cutting the other sources' calls at moments the clean run cannot reproduce). Its
// output is only known afterwards, so the clean run is `tablero import` of what each source wrote
// (simulator file, tailed file, pushed lines), on a fresh data directory. After the last restart
// everything drains, and the stored stints per source, queue and outcome equal the clean run's,
// counted without FINAL and with it; no event or line is stored twice.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SiteTraffic, importCleanRun, startSimulator, storedCountsIn } from '../support/site-traffic.ts';
import { runTablero, startTablero, type TableroProcess } from '../support/tablero-process.ts';
import { waitFor } from '../support/wait-for.ts';

const TOKEN = 'pbx-shipper-crash-0123456789';
const KILLS = 5;
const dir = mkdtempSync(join(tmpdir(), 'tablero-msc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const day = (offsetDays: number): string => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
const kpis = async (dataDir: string): Promise<string> =>
  (await runTablero(['kpis', '--from', day(-1), '--to', day(2), '--tz', 'UTC', '--json'], { dataDir })).stdout;

async function storedCommits(t: TableroProcess): Promise<number> {
  const r = await fetch(`${t.url}/api/health`);
  return ((await r.json()) as { processor?: { stored_commits: number } }).processor?.stored_commits ?? 0;
}

describe('several sources on one site, tablero start SIGKILLed', () => {
  it(`stores the stints of a clean run after ${KILLS} SIGKILLs (tailed file, HTTP pushes, simulator)`, async () => {
    const sim = await startSimulator(join(dir, 'sim'));
    const tail = join(dir, 'queue_log');
    const liveDir = join(dir, 'live');
    mkdirSync(liveDir);
    const start = (): Promise<TableroProcess> =>
      startTablero({ args: ['--source', tail, '--source', sim.queueLog, '--no-simulate'], dataDir: liveDir, env: { TABLERO_SOURCE_TOKENS: `${TOKEN}=default:shipper` } });
    let t: TableroProcess | null = null;
    let traffic: SiteTraffic | null = null;
    try {
      let current = await start();
      t = current;
      traffic = new SiteTraffic(tail, () => current.url, TOKEN);
      for (let k = 0; k < KILLS; k++) {
        // Kill once this process stored a few commits, at a random moment of its work.
        await waitFor(async () => (await storedCommits(current)) >= 3, { timeoutMs: 120_000, intervalMs: 100, what: `commits stored before kill ${k + 1}` });
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 500)));
        const exited = new Promise((r) => current.child.once('exit', r));
        current.child.kill('SIGKILL');
        await exited;
        current = await start();
        t = current;
      }
      await waitFor(async () => (await storedCommits(current)) >= 3, { timeoutMs: 120_000, intervalMs: 100, what: 'commits stored after the last restart' });
      await traffic.finish();
      await sim.stop();
      // Every failed push was re-sent inside a larger body (one per kill at least).
      expect(traffic.shipper.failures).toBeGreaterThanOrEqual(KILLS);

      const refDir = join(dir, 'ref');
      await importCleanRun(refDir, [{ path: sim.queueLog }, { path: tail }, { path: join(dir, 'pushed'), lines: traffic.shipper.sent }]);
      const refKpis = await kpis(refDir);
      await waitFor(async () => (await kpis(liveDir)) === refKpis, { timeoutMs: 120_000, intervalMs: 500, what: 'the live figures to equal the clean run' });
    } finally {
      await traffic?.finish().catch(() => undefined);
      await sim.stop();
      await t?.stop();
    }

    const ref = await storedCountsIn(join(dir, 'ref'));
    const live = await storedCountsIn(liveDir);
    // The two generated sources are known exactly; the simulator's share is whatever it wrote.
    const generated = Object.fromEntries(Object.entries(ref.stints).filter(([k]) => !k.startsWith('sim|')));
    expect(generated).toEqual(traffic.expected());
    expect(Object.keys(ref.stints).some((k) => k.startsWith('sim|'))).toBe(true);
    expect(ref.stintRows).toBe(ref.stintIds);
    expect(ref.events).toBe(ref.lines);
    expect(live).toEqual(ref);
  }, 600_000);
});
