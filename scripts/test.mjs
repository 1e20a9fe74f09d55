#!/usr/bin/env node
// The README's test command (`pnpm test`): type-check, build the dashboard the browser tests
// load, run every vitest suite, then print one closing line "N passed, N failed".
// Extra arguments are handed to vitest (e.g. `pnpm test ingest/`).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

const results = '.vitest-results.json';
const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', shell: false }).status ?? 1;
const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;

// The suite runs real servers and a real browser: Debian's nats-server and chromium; the report
// tests read PDFs with poppler's pdftotext / pdftoppm (package poppler-utils); the asteriskcdrdb
// source's test starts a MariaDB server (package mariadb-server).
const PACKAGE_OF = { 'nats-server': 'nats-server', chromium: 'chromium', pdftotext: 'poppler-utils', mariadbd: 'mariadb-server' };
const missing = Object.keys(PACKAGE_OF).filter((bin) => !has(bin)).map((bin) => PACKAGE_OF[bin]);
if (missing.length > 0) {
  if (process.getuid?.() === 0 && has('apt-get')) {
    console.log(`installing ${missing.join(' ')} with apt-get (needed by the tests)`);
    run('apt-get', ['update', '-qq']);
    if (run('apt-get', ['install', '-y', '-qq', ...missing]) !== 0) process.exit(1);
  } else {
    console.log(`the tests need ${missing.join(' and ')}: sudo apt-get install -y ${missing.join(' ')}`);
    console.log('tests: 0 passed, 1 failed (missing system packages)');
    process.exit(1);
  }
}

// The real sample files live outside the repository, in ../shared/fixtures/real beside it. A
// clone made elsewhere from a local checkout finds them beside that checkout (its origin).
const FIXTURES = 'fixtures/real/DareDevinX__AsteriskReport__Testdaten.txt';
if (!process.env.TABLERO_FIXTURES_DIR && !existsSync(resolve('..', 'shared', FIXTURES))) {
  const origin = spawnSync('git', ['remote', 'get-url', 'origin'], { encoding: 'utf8' }).stdout?.trim() ?? '';
  const besideOrigin = origin && isAbsolute(origin) ? resolve(origin, '..', 'shared') : '';
  if (besideOrigin && existsSync(join(besideOrigin, FIXTURES))) {
    process.env.TABLERO_FIXTURES_DIR = join(besideOrigin, 'fixtures', 'real');
    console.log(`real fixtures: ${process.env.TABLERO_FIXTURES_DIR} (beside the checkout this clone came from)`);
  } else {
    console.log('the tests read the real sample files in ../shared/fixtures/real (beside this repository): clone it there, or set TABLERO_FIXTURES_DIR');
    console.log('tests: 0 passed, 1 failed (real fixtures not found)');
    process.exit(1);
  }
}

if (run('pnpm', ['-s', 'typecheck']) !== 0) {
  console.log('tests: 0 passed, 1 failed (type check failed)');
  process.exit(1);
}
if (run('pnpm', ['-s', 'build']) !== 0) {
  console.log('tests: 0 passed, 1 failed (dashboard build failed)');
  process.exit(1);
}
// Two passes: everything but the browser tests in parallel, then the browser tests one file at
// a time with the machine to themselves. Each browser file drives a real `tablero start` and a
// real Chromium; on 2 cores, running them beside chDB-heavy suites made their timings flaky.
// Arguments (e.g. `pnpm test ingest/`) run one pass over just those files.
const args = process.argv.slice(2);
const passes = args.length > 0
  ? [args]
  : [['--exclude', 'test/browser/**'], ['test/browser/', '--maxWorkers=1', '--no-file-parallelism']];
const totals = { passed: 0, failed: 0, skipped: 0 };
let ok = true;
for (const [i, passArgs] of passes.entries()) {
  const file = `${results}.${i}`;
  rmSync(file, { force: true });
  const status = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${file}`, ...passArgs]);
  if (!existsSync(file)) {
    console.log(`tests: ${totals.passed} passed, ${totals.failed + 1} failed (vitest wrote no results)`);
    process.exit(1);
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const failedSuites = (r.testResults ?? []).filter((t) => t.status === 'failed' && (t.assertionResults ?? []).length === 0).length;
  totals.passed += r.numPassedTests;
  totals.failed += r.numFailedTests + failedSuites;
  totals.skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  if (status !== 0) ok = false;
}
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(ok && totals.failed === 0 && totals.passed > 0 ? 0 : 1);
