// Whole-process overhead of the short commands (issue 18 "Start": `tablero kpis` / `tablero
// export` <= 300 ms on an existing data directory): start node, load the command, open the store
// (embedded chDB, migrations check), run a tiny query, write, exit. A data directory is made once
// (3,000 calls of one day imported), then each command runs RUNS times, hyperfine-like: median and
// p90 of the wall time, and the median CPU time (user + system, from /usr/bin/time when present,
// which counts the engine's threads too). `node -e 0` is measured alongside as the floor.
//
// Usage: npx tsx bench/start-overhead.ts [--runs 9]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT, TABLERO_BIN } from '../test/support/tablero-process.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' } } });
const RUNS = Number(values.runs);
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

const dir = mkdtempSync(join(tmpdir(), 'tablero-bench-start-'));
const dataDir = join(dir, 'data');
const env = { ...process.env, TABLERO_DATA_DIR: dataDir, LOG_LEVEL: 'warn', TZ: 'UTC' };

/** One run: wall ms measured here, CPU ms from /usr/bin/time (null without it). */
function once(args: string[]): { wallMs: number; cpuMs: number | null } {
  const argv = TIME ? [TIME, '-f', 'CPU %U %S', process.execPath, ...args] : [process.execPath, ...args];
  const t0 = performance.now();
  const r = spawnSync(argv[0] as string, argv.slice(1), { cwd: REPO_ROOT, env, encoding: 'utf8' });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
  const m = /CPU ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return { wallMs, cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : null };
}

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;

try {
  // 3,000 answered calls on 2026-11-02 over 5 queues (9,000 lines).
  const base = Date.UTC(2026, 10, 2) / 1000;
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const t = base + i * 28;
    const q = 101 + (i % 5);
    const id = `so.${i}`;
    const agent = `Agent/${200 + (i % 20)}`;
    lines.push(`${t}|${id}|${q}|NONE|ENTERQUEUE||5550000|1`, `${t + 10}|${id}|${q}|${agent}|CONNECT|10|${id}9|1`, `${t + 70}|${id}|${q}|${agent}|COMPLETECALLER|10|60|1`);
  }
  const file = join(dir, 'queue_log');
  writeFileSync(file, `${lines.join('\n')}\n`);
  once([TABLERO_BIN, 'import', file]);

  const cases: Array<[string, string[], string]> = [
    ['node', ['-e', '0'], 'reference (node itself)'],
    ['kpis', [TABLERO_BIN, 'kpis', '--from', '2026-11-02', '--to', '2026-11-03', '--queue', '101', '--by', 'day', '--json'], '<= 300 (quiet machine)'],
    ['export_csv', [TABLERO_BIN, 'export', 'monthly', '--month', '2026-11', '--queue', '101', '--format', 'csv', '--out', join(dir, 'm.csv')], '<= 300 (quiet machine)'],
  ];
  const row = (metric: string, value: number, unit: string, target: string): void =>
    console.log(`BENCH ${JSON.stringify({ bench: 'start-overhead', metric, value: Math.round(value), unit, target })}`);
  for (const [name, args, target] of cases) {
    once(args); // warm: the page cache and tsx's transform cache, as on a machine in use
    const runs = Array.from({ length: RUNS }, () => once(args));
    const wall = runs.map((r) => r.wallMs).sort((a, b) => a - b);
    const cpu = runs.map((r) => r.cpuMs).filter((c): c is number => c !== null).sort((a, b) => a - b);
    console.log(
      `${name}: ${RUNS} runs, wall median ${pct(wall, 50).toFixed(0)} ms, p90 ${pct(wall, 90).toFixed(0)} ms; CPU median ${cpu.length ? pct(cpu, 50).toFixed(0) : '?'} ms; load ${loadavg()[0]?.toFixed(2)}`,
    );
    row(`${name}_wall_ms_median`, pct(wall, 50), 'ms', target);
    row(`${name}_wall_ms_p90`, pct(wall, 90), 'ms', 'reference');
    if (cpu.length) row(`${name}_cpu_ms_median`, pct(cpu, 50), 'ms', 'reference (user + system)');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
