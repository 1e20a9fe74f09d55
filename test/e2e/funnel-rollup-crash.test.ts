// The funnel rollup under crashes, with the real processes (issue 16): a month of calls is
// imported (`tablero import`, the processor marking dirty quarters around every commit) and
// rolled; `tablero start` (whose rollup job rolls in the background) is SIGKILLed mid-roll; then
// an import of late legs of those old calls (moving calls to earlier quarters) and of new calls
// in rolled quarters is SIGKILLed mid-commit, several times. After every kill, the funnel read with
// the rollup returns exactly the scan's rows (docs/kpi-definitions.md §13: a crash never gives a
// wrong figure, only a slower read); and once everything is imported and rolled, the rows come
// from the rollup and still equal the scan.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openClickHouse } from '@tablero/sql';
import { parseFunnelConfig, queryFunnel, rollFunnelAll, type FunnelReadPlan, type FunnelSettings } from '@tablero/processor';
import { REPO_ROOT, TABLERO_BIN, runTablero, startTablero } from '../support/tablero-process.ts';

const FUNNEL = { default: { services: [0, 1, 2].map((i) => ({ service: `10${i}`, contexts: ['from-pstn'], dids: [`601440010${i}`], agent_options: ['0'] })) } };
const parsed = parseFunnelConfig(FUNNEL);
if (!parsed.ok) throw new Error(parsed.errors.join());
const funnel = parsed.value;
const NOV = Date.UTC(2026, 10, 1) / 1000;
const q = (s: string): string => `"${s}"`;
const d = (t: number): string => new Date(t * 1000).toISOString().slice(0, 19).replace('T', ' ');

/** One cdr_csv (21 columns) leg: the caller's (to a DID, in from-pstn) or a member's Local leg, of call `linked`. */
function leg(o: { t: number; call: number; uid: string; linked: string; caller: boolean; seq: number }): string {
  return [q(''), q(`30011${o.call % 1000}`), q(o.caller ? `601440010${o.call % 3}` : '201'), q(o.caller ? 'from-pstn' : 'from-queue'), q(''),
    q(o.caller ? `PJSIP/trunk-${o.uid}` : `Local/201@from-queue-${o.uid};2`), q(''), q(o.caller ? 'Queue' : 'Dial'), q(''),
    q(d(o.t)), q(d(o.t + 12)), q(d(o.t + 190)), '190', '178', q('ANSWERED'), q('DOCUMENTATION'), q(o.uid), q(''), q(''), q(o.linked), String(o.seq)].join(',');
}

/** `calls` calls of two legs from `first`, spread over November 1-10 (a call every `step` s). */
function calls(first: number, n: number, step: number): string[] {
  const out: string[] = [];
  for (let c = first; c < first + n; c++) {
    const t = NOV + 600 + c * step;
    out.push(leg({ t, call: c, uid: `${t}.${c}`, linked: `${t}.${c}`, caller: true, seq: 2 * c }));
    out.push(leg({ t: t + 20, call: c, uid: `${t}.${c}m`, linked: `${t}.${c}`, caller: false, seq: 2 * c + 1 }));
  }
  return out;
}

describe('funnel rollup, processes SIGKILLed mid-roll and mid-commit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tablero-funnel-crash-'));
  const dataDir = join(dir, 'data');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = { TABLERO_FUNNEL: JSON.stringify(FUNNEL) };

  /** Every read with the rollup equals the scan; the rolled quarters the reads took, summed. */
  async function agree(): Promise<{ rolled: number; ingresadas: number }> {
    const ch = await openClickHouse({ database: 'tablero', dataDir });
    try {
      let rolled = 0;
      let ingresadas = 0;
      for (const by of ['month', 'day', 'hour'] as const) {
        for (const tz of by === 'day' ? ['UTC', 'America/La_Paz'] : ['UTC']) {
          const query = { from: '2026-11-01', to: '2026-11-12', site: 'default', by, tz };
          let plan: FunnelReadPlan | undefined;
          const fromRollup = await queryFunnel(ch, query, { defaultTz: 'UTC', funnel, onPlan: (p) => (plan = p) });
          const scan = await queryFunnel(ch, query, { defaultTz: 'UTC', funnel, rollup: false });
          expect({ query, rows: fromRollup }).toEqual({ query, rows: scan });
          rolled += plan?.rolled ?? 0;
          if (by === 'month') ingresadas = scan.reduce((n, r) => n + r.ingresadas, 0);
        }
      }
      return { rolled, ingresadas };
    } finally {
      await ch.close();
    }
  }
  async function rollAll(): Promise<void> {
    const ch = await openClickHouse({ database: 'tablero', dataDir });
    try {
      await rollFunnelAll(ch, { site: 'default', settings: funnel.default as FunnelSettings, nowMs: Date.now() });
    } finally {
      await ch.close();
    }
  }
  /** `tablero import file`, SIGKILLed `afterMs` after it printed its first progress (or left to finish when afterMs is null). */
  function importKilled(file: string, afterMs: number | null): Promise<{ killed: boolean }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [TABLERO_BIN, 'import', '--kind', 'cdr', file], {
        cwd: REPO_ROOT,
        env: { ...process.env, TABLERO_DATA_DIR: dataDir, LOG_LEVEL: 'warn', TZ: 'UTC', ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let armed = false;
      child.stderr.on('data', () => {
        if (afterMs === null || armed) return;
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), afterMs);
      });
      child.on('exit', (_code, signal) => resolve({ killed: signal === 'SIGKILL' }));
    });
  }

  it('every read agrees with the scan after each kill; in the end the rollup serves them', async () => {
    const a = join(dir, 'a.csv');
    writeFileSync(a, `${calls(0, 3000, 288).join('\n')}\n`); // 3,000 calls over November 1-10
    const first = await runTablero(['import', '--kind', 'cdr', a], { dataDir, env });
    expect(first.code).toBe(0);

    // The processor's own job rolls in the background; killed while at it (or after: either way).
    const tablero = await startTablero({ args: ['--no-simulate'], dataDir, env: { ...env, TABLERO_ROLLUP_INTERVAL_MS: '200' } });
    await new Promise((r) => setTimeout(r, 1500));
    tablero.child.kill('SIGKILL');
    await new Promise<void>((resolve) => (tablero.child.exitCode !== null || tablero.child.signalCode !== null ? resolve() : tablero.child.once('exit', () => resolve())));
    expect((await agree()).ingresadas).toBe(3000);
    await rollAll();
    const rolled = await agree();
    expect(rolled.ingresadas).toBe(3000);
    expect(rolled.rolled).toBeGreaterThan(0);

    // Late legs: a caller leg 5 minutes before each even call's (its call now starts earlier, in an
    // earlier quarter maybe), and 12,000 new calls in the rolled quarters.
    const late: string[] = [];
    for (let c = 0; c < 3000; c += 2) {
      const t = NOV + 600 + c * 288;
      late.push(leg({ t: t - 300, call: c, uid: `${t}.${c}e`, linked: `${t}.${c}`, caller: true, seq: 100_000 + c }));
    }
    const b = join(dir, 'b.csv');
    writeFileSync(b, `${[...late, ...calls(3000, 12_000, 57)].join('\n')}\n`);
    const kills: boolean[] = [];
    for (const afterMs of [300, 1200, 2500]) {
      kills.push((await importKilled(b, afterMs)).killed);
      await agree();
      await rollAll(); // rolled again between the kills: the next kill's rows land in rolled quarters
      await agree();
    }
    expect(kills).toContain(true);
    expect((await importKilled(b, null)).killed).toBe(false);
    const dirty = await agree();
    expect(dirty.ingresadas).toBe(15_000);
    await rollAll();
    const end = await agree();
    expect(end.ingresadas).toBe(15_000);
    expect(end.rolled).toBeGreaterThan(0);
  }, 900_000);
});
