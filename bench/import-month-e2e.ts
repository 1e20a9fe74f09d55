// Import end to end (issue 18): a generated 31-day Asterisk 13 queue_log of ~1.1 M lines through
// `tablero import` as a child process on a fresh data directory (in-process bus and processor,
// embedded ClickHouse), from the command's start to its exit (every call stored and queryable:
// the command returns after the processor stored its last commit). Reported: lines/s, the wall
// time as a ratio to `gzip -6` of the same file in the same run (target <= 4x), the child's peak
// RSS (target <= 400 MB) and its CPU (both cores busy: ~200 %). The stored stints are counted
// afterwards and must equal the calls generated.
// Usage: npx tsx bench/import-month-e2e.ts [calls per day, default 9,600 -> ~1.1 M lines]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { storedCountsIn } from '../test/support/site-traffic.ts';
import { TABLERO_BIN } from '../test/support/tablero-process.ts';

const CALLS_PER_DAY = Number(process.argv[2] ?? 9_600);
const QUEUES = 20;
const AGENTS = 60;
const dir = mkdtempSync(join(tmpdir(), 'tablero-bench-import-e2e-'));
const file = join(dir, 'queue_log');
const dataDir = join(dir, 'data');

// A deterministic month (2026-10, UTC): agents log in at 07:00; calls from 07:00 to 21:00, each
// ENTERQUEUE, 0-2 RINGNOANSWER, then CONNECT + COMPLETEAGENT/COMPLETECALLER (70 %), ABANDON (25 %)
// or EXITWITHTIMEOUT (5 %); a pause and an unpause per agent and day; agents log off at 21:30.
let seed = 18;
const rnd = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
const lines: Array<[number, string]> = [];
let calls = 0;
const start = Date.UTC(2026, 9, 1) / 1000;
for (let day = 0; day < 31; day++) {
  const d0 = start + day * 86_400;
  const day07 = d0 + 7 * 3600;
  for (let a = 0; a < AGENTS; a++) {
    const q = `q${a % QUEUES}`;
    lines.push([day07, `${day07}|NONE|${q}|Agent/${1000 + a}|ADDMEMBER|`]);
    const p = day07 + 3600 * (2 + (a % 8));
    lines.push([p, `${p}|NONE|${q}|Agent/${1000 + a}|PAUSE|Almuerzo`]);
    lines.push([p + 1800, `${p + 1800}|NONE|${q}|Agent/${1000 + a}|UNPAUSE|`]);
    lines.push([d0 + 21.5 * 3600, `${d0 + 21.5 * 3600}|NONE|${q}|Agent/${1000 + a}|REMOVEMEMBER|`]);
  }
  for (let c = 0; c < CALLS_PER_DAY; c++, calls++) {
    const enter = day07 + Math.floor((c * 14 * 3600) / CALLS_PER_DAY);
    const q = `q${Math.floor(rnd() * QUEUES)}`;
    const id = `${enter}.${calls}`;
    const caller = `591${70_000_000 + Math.floor(rnd() * 9_999_999)}`;
    lines.push([enter, `${enter}|${id}|${q}|NONE|ENTERQUEUE||${caller}|1`]);
    let t = enter;
    const rings = Math.floor(rnd() * 3);
    for (let r = 0; r < rings; r++) {
      t += 15;
      lines.push([t, `${t}|${id}|${q}|Agent/${1000 + Math.floor(rnd() * AGENTS)}|RINGNOANSWER|15000`]);
    }
    const wait = t - enter + Math.floor(rnd() * 20);
    const end = enter + wait;
    const fate = rnd();
    if (fate < 0.7) {
      const agent = `Agent/${1000 + Math.floor(rnd() * AGENTS)}`;
      const talk = 30 + Math.floor(rnd() * 400);
      lines.push([end, `${end}|${id}|${q}|${agent}|CONNECT|${wait}|${id}9|3`]);
      lines.push([end + talk, `${end + talk}|${id}|${q}|${agent}|${rnd() < 0.5 ? 'COMPLETEAGENT' : 'COMPLETECALLER'}|${wait}|${talk}|1`]);
    } else if (fate < 0.95) {
      lines.push([end, `${end}|${id}|${q}|NONE|ABANDON|1|1|${wait}`]);
    } else {
      lines.push([end + 60, `${end + 60}|${id}|${q}|NONE|EXITWITHTIMEOUT|1|1|${wait + 60}`]);
    }
  }
}
lines.sort((a, b) => a[0] - b[0]);
writeFileSync(file, `${lines.map((l) => l[1]).join('\n')}\n`);
const lineCount = lines.length;
lines.length = 0;
const bytes = statSync(file).size;

try {
  const g0 = performance.now();
  execFileSync('gzip', ['-6', '-c', file], { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 2 ** 30 });
  const gzipS = (performance.now() - g0) / 1000;

  const loadBefore = loadavg()[0] as number;
  const t0 = performance.now();
  // GNU time: elapsed s, peak RSS KiB, CPU %.
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M %P', process.execPath, TABLERO_BIN, 'import', file, '--site', 'bench'], {
    encoding: 'utf8',
    env: { ...process.env, TABLERO_DATA_DIR: dataDir, TZ: 'UTC', LOG_LEVEL: 'warn' },
    maxBuffer: 64 * 2 ** 20,
  });
  const wallS = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`tablero import failed (${r.status}): ${r.stdout}${r.stderr}`);
  const m = /TIME ([\d.]+) (\d+) (\d+)%/.exec(r.stderr);
  const rssMb = m ? Math.round(Number(m[2]) / 1024) : NaN;
  const cpuPct = m ? Number(m[3]) : NaN;
  const stored = await storedCountsIn(dataDir);
  const stints = Object.values(stored.stintsFinal).reduce((a, b) => a + b, 0);
  const linesPerS = Math.round(lineCount / wallS);
  console.log(
    `${lineCount} lines (${(bytes / 2 ** 20).toFixed(1)} MiB, ${calls} calls); ${r.stdout.trim().split('\n')[0]}; ` +
      `import ${wallS.toFixed(1)} s = ${linesPerS} lines/s, peak RSS ${rssMb} MB, CPU ${cpuPct} %; gzip -6 ${gzipS.toFixed(1)} s ` +
      `(${Math.round(lineCount / gzipS)} lines/s): ratio ${(wallS / gzipS).toFixed(1)}x; stored ${stored.events} events, ${stints} stints; ` +
      `load average ${loadBefore.toFixed(2)} -> ${loadavg()[0]?.toFixed(2)}`,
  );
  if (stints !== calls) throw new Error(`stored ${stints} stints for ${calls} calls`);
  const row = (metric: string, value: number, unit: string, target: string): void =>
    console.log(`BENCH ${JSON.stringify({ bench: 'import-month-e2e', metric, value, unit, target })}`);
  row('lines_per_s', linesPerS, 'lines/s', `>= 150000 (${lineCount} lines, 31 days)`);
  row('wall_vs_gzip6', Number((wallS / gzipS).toFixed(1)), 'x', '<= 4');
  row('peak_rss_mb', rssMb, 'MB', '<= 400');
  row('cpu_pct', cpuPct, '%', '~200 (both cores)');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
