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
import { monthLog } from '../test/support/month-log.ts';
import { storedCountsIn } from '../test/support/site-traffic.ts';
import { TABLERO_BIN } from '../test/support/tablero-process.ts';

const CALLS_PER_DAY = Number(process.argv[2] ?? 9_600);
const QUEUES = 20;
const AGENTS = 60;
const dir = mkdtempSync(join(tmpdir(), 'tablero-bench-import-e2e-'));
const file = join(dir, 'queue_log');
const dataDir = join(dir, 'data');

// The deterministic month (test/support/month-log.ts): 2026-10, UTC, 20 queues, 60 agents.
const month = monthLog({ days: 31, callsPerDay: CALLS_PER_DAY, queues: QUEUES, agents: AGENTS });
const { calls } = month;
writeFileSync(file, `${month.lines.join('\n')}\n`);
const lineCount = month.lines.length;
month.lines.length = 0;
const bytes = statSync(file).size;

try {
  const g0 = performance.now();
  execFileSync('gzip', ['-6', '-c', file], { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 2 ** 30 });
  const gzipS = (performance.now() - g0) / 1000;

  const loadBefore = loadavg()[0] as number;
  const t0 = performance.now();
  // GNU time: elapsed s, peak RSS KiB, CPU %, user and system CPU s.
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M %P %U %S', process.execPath, TABLERO_BIN, 'import', file, '--site', 'bench'], {
    encoding: 'utf8',
    env: { ...process.env, TABLERO_DATA_DIR: dataDir, TZ: 'UTC', LOG_LEVEL: 'warn' },
    maxBuffer: 64 * 2 ** 20,
  });
  const wallS = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`tablero import failed (${r.status}): ${r.stdout}${r.stderr}`);
  const m = /TIME ([\d.]+) (\d+) (\d+)% ([\d.]+) ([\d.]+)/.exec(r.stderr);
  const rssMb = m ? Math.round(Number(m[2]) / 1024) : NaN;
  const cpuPct = m ? Number(m[3]) : NaN;
  // CPU seconds per line: what a loaded machine distorts least (the wall time is the machine's share).
  const cpuUsPerLine = m ? Math.round(((Number(m[4]) + Number(m[5])) * 1e6) / lineCount * 10) / 10 : NaN;
  const stored = await storedCountsIn(dataDir);
  const stints = Object.values(stored.stintsFinal).reduce((a, b) => a + b, 0);
  const linesPerS = Math.round(lineCount / wallS);
  console.log(
    `${lineCount} lines (${(bytes / 2 ** 20).toFixed(1)} MiB, ${calls} calls); ${r.stdout.trim().split('\n')[0]}; ` +
      `import ${wallS.toFixed(1)} s = ${linesPerS} lines/s, peak RSS ${rssMb} MB, CPU ${cpuPct} % (${cpuUsPerLine} us per line); gzip -6 ${gzipS.toFixed(1)} s ` +
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
  row('cpu_us_per_line', cpuUsPerLine, 'us', '<= 13 (2 cores at 150,000 lines/s)');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
