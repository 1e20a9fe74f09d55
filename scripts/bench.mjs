#!/usr/bin/env node
// `pnpm bench [filter]`: runs the benchmark scripts in bench/ (each a standalone tsx script),
// one at a time, and records their results in docs/benchmarks.md (the latest table).
//
// Contract for a bench script: print one JSON line per result on stdout, prefixed by `BENCH `:
//   BENCH {"bench":"ingest-parse","metric":"lines_per_s","value":1234567,"unit":"lines/s","target":">= 1000000"}
// Anything else it prints is shown as is. Exit non-zero on failure.
import { spawnSync } from 'node:child_process';
import { cpus, totalmem, loadavg } from 'node:os';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';

const filter = process.argv[2] ?? '';
const files = readdirSync('bench').filter((f) => f.endsWith('.ts') && f.includes(filter)).sort();
if (files.length === 0) {
  console.error(`no benchmark matches '${filter}'`);
  process.exit(2);
}
const machine = `${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const store = 'docs/benchmarks-results.json';
const results = existsSync(store) ? JSON.parse(readFileSync(store, 'utf8')) : {};
let failed = 0;
for (const file of files) {
  console.log(`\n== ${file} (load average ${loadavg()[0].toFixed(2)})`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', `bench/${file}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 2 ** 20 });
  for (const line of (r.stdout ?? '').split('\n')) {
    if (!line.startsWith('BENCH ')) {
      if (line.trim()) console.log(line);
      continue;
    }
    const row = JSON.parse(line.slice(6));
    console.log(`${row.bench} ${row.metric}: ${row.value} ${row.unit ?? ''} (target ${row.target ?? '-'})`);
    results[`${row.bench}/${row.metric}`] = { ...row, machine, date: new Date().toISOString().slice(0, 10) };
  }
  if (r.status !== 0) {
    failed++;
    console.error(`${file} failed with exit code ${r.status}`);
  }
}
writeFileSync(store, `${JSON.stringify(results, null, 2)}\n`);
const rows = Object.values(results).map((r) => `| ${r.bench} | ${r.metric} | ${r.value} ${r.unit ?? ''} | ${r.target ?? ''} | ${r.date} | ${r.machine} |`);
const table = ['| benchmark | metric | result | target | date | machine |', '|---|---|---|---|---|---|', ...rows].join('\n');
const doc = 'docs/benchmarks.md';
const text = existsSync(doc) ? readFileSync(doc, 'utf8') : '# Benchmarks\n\n<!-- results:start -->\n<!-- results:end -->\n';
writeFileSync(doc, text.replace(/<!-- results:start -->[\s\S]*<!-- results:end -->/, `<!-- results:start -->\n${table}\n<!-- results:end -->`));
console.log(`\nrecorded in ${doc}`);
process.exit(failed ? 1 : 0);
