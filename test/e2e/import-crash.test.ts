// `tablero import` (the bulk path: files read in a worker thread, commits of up to 32 messages, processor/src/store/bulk-store.ts)
// SIGKILLed while it stores (both threads die), then run again to its end: the stored tables equal those of a clean
// import of the same file row by row, counted without FINAL (nothing stored twice, nothing lost).
// Killed twice, the first time at 30 % of the file read as its progress lines on stderr say (the
// commits stored lag behind: the test checks that part of the file was stored, not all), the
// second time on a re-run at 60 %.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthLog } from '../support/month-log.ts';
import { expectSameTables, storedTablesIn } from '../support/stored-tables.ts';
import { REPO_ROOT, TABLERO_BIN, runTablero } from '../support/tablero-process.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tablero-import-crash-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `tablero import file` and SIGKILLs it once its progress passes `pct` %; resolves with the percent seen at the kill. */
function importKilledAt(file: string, dataDir: string, pct: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TABLERO_BIN, 'import', file], {
      cwd: REPO_ROOT,
      env: { ...process.env, TABLERO_DATA_DIR: dataDir, LOG_LEVEL: 'warn', TZ: 'UTC' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let seen = 0;
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      for (const m of d.toString().matchAll(/\] +(\d+)% /g)) seen = Math.max(seen, Number(m[1]));
      if (seen >= pct && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(seen);
      else reject(new Error(`the import ended (${code}) before ${pct} %: ${err}`));
    });
  });
}

describe('tablero import SIGKILLed and run again', () => {
  it('stores every row once: the same tables as a clean import', async () => {
    // 4 days x 15,000 calls: ~228,000 lines, two month partitions, many bulk commits. Large enough
    // that a kill seen at 30 % read lands while most of the file is still to store, even when the
    // progress line reaches the test late on a loaded machine (the reader runs at most 64 messages,
    // ~32,000 events, ahead of the store; with ~76,000 lines CI once saw the whole file stored).
    const { lines, calls } = monthLog({ start: Date.UTC(2026, 8, 29) / 1000, days: 4, callsPerDay: 15_000 });
    const file = join(dir, 'queue_log');
    writeFileSync(file, `${lines.join('\n')}\n`);

    const cleanDir = join(dir, 'clean');
    const clean = await runTablero(['import', file], { dataDir: cleanDir });
    expect(clean.stdout).toBe(`imported 1 file(s): ${lines.length} lines, ${lines.length} accepted, 0 rejected\n`);

    const crashDir = join(dir, 'crash');
    const storedEvents = async (): Promise<number> => (await storedTablesIn(crashDir)).counts['queue_events']?.[0] ?? -1;
    expect(await importKilledAt(file, crashDir, 30)).toBeGreaterThanOrEqual(30);
    // Killed while storing: part of the file stored, not all of it.
    const afterFirst = await storedEvents();
    expect(afterFirst).toBeGreaterThan(0);
    expect(afterFirst).toBeLessThan(lines.length);
    // The re-run goes over the stored part quickly (its events are dropped as applied): killed again at 60 % read.
    expect(await importKilledAt(file, crashDir, 60)).toBeGreaterThanOrEqual(60);
    const last = await runTablero(['import', file], { dataDir: crashDir });
    expect([last.code, last.stdout]).toEqual([0, `imported 1 file(s): ${lines.length} lines, ${lines.length} accepted, 0 rejected\n`]);

    const [a, b] = [await storedTablesIn(crashDir), await storedTablesIn(cleanDir)];
    expect(b.counts['queue_events']).toEqual([lines.length, lines.length]);
    expect(b.counts['stints']).toEqual([calls, calls]);
    expectSameTables(a, b);
  }, 300_000);
});
