// Bulk path vs live path (issue 18): the same files imported by `tablero import` (bulk commits of
// up to 32 messages, JSONCompactEachRow inserts: processor/src/store/bulk-store.ts; files read in a worker thread) and tailed live by
// `tablero start --source` (commits of up to 16 messages, JSONEachRow and the received JSON passed
// through) store the same rows. Compared row by row, table by table, counted without FINAL (and
// equal to the count with FINAL: nothing stored twice on either path); what is left out of the
// comparison, and why, is in test/support/stored-tables.ts.
// The live run is done when every source's checkpoint (written once the bus acknowledged, i.e.
// the in-process processor stored, every line before it) reaches the end of its file.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realFixture } from '../../ingest/src/real-fixtures.ts';
import { monthLog } from '../support/month-log.ts';
import { expectSameTables, storedTablesIn, type StoredTables } from '../support/stored-tables.ts';
import { appendLines } from '../support/queue-log-writer.ts';
import { runTablero, startTablero } from '../support/tablero-process.ts';
import { waitFor } from '../support/wait-for.ts';

/** Offsets of the live run's checkpoints by source path (dataDir/ingest/*.json). */
function checkpoints(dataDir: string): Map<string, number> {
  const dir = join(dataDir, 'ingest');
  const out = new Map<string, number>();
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    try {
      const c = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { path?: string; offset?: number };
      if (typeof c.path === 'string' && typeof c.offset === 'number') out.set(c.path, c.offset);
    } catch {
      // written by rename: a half file is never seen, but a stray one is not ours
    }
  }
  return out;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tablero-bulk-live-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Tails `files` live (appended in chunks of `chunk` lines while `tablero start` runs) until all
 * is stored, then imports the same files on another data directory; returns both stores.
 */
async function bothPaths(name: string, files: Array<{ file: string; lines: string[] }>, chunk: number): Promise<{ live: StoredTables; bulk: StoredTables; importOut: string }> {
  const pbx = join(dir, name, 'pbx');
  mkdirSync(pbx, { recursive: true });
  const paths = files.map((f) => join(pbx, f.file));
  for (const p of paths) writeFileSync(p, '');
  const liveDir = join(dir, name, 'live');
  const running = await startTablero({ args: [...paths.flatMap((p) => ['--source', p]), '--no-simulate'], dataDir: liveDir });
  try {
    const longest = Math.max(...files.map((f) => f.lines.length));
    for (let i = 0; i < longest; i += chunk) {
      files.forEach((f, k) => {
        const part = f.lines.slice(i, i + chunk);
        if (part.length > 0) appendLines(paths[k] as string, part);
      });
      await new Promise((r) => setTimeout(r, 20));
    }
    await waitFor(
      () => {
        const at = checkpoints(liveDir);
        return paths.every((p) => at.get(p) === statSync(p).size);
      },
      { what: `every line of ${name} tailed and stored`, timeoutMs: 120_000, intervalMs: 200 },
    );
  } finally {
    await running.stop();
  }
  const bulkDir = join(dir, name, 'bulk');
  const imported = await runTablero(['import', ...paths], { dataDir: bulkDir });
  expect(imported.code, imported.stderr).toBe(0);
  return { live: await storedTablesIn(liveDir), bulk: await storedTablesIn(bulkDir), importOut: imported.stdout };
}

describe('bulk path (tablero import) vs live path (tablero start tailing): identical tables', () => {
  it('a generated queue_log over a month boundary, with rejected lines', async () => {
    // 3 days (29 Sep to 1 Oct 2026: two month partitions) x 4,500 calls, 20 queues, 60 agents:
    // ~50,000 lines, several bulk commits (up to 32 messages of ~740 lines) and a commit that
    // spans both months (stored in month runs).
    const { lines, calls } = monthLog({ start: Date.UTC(2026, 8, 29) / 1000, days: 3, callsPerDay: 4_500 });
    // Lines the parser rejects (dead letters), spread through the file.
    const bad = ['this is not a queue_log line', '17593O0000|1.1|q1|NONE|ENTERQUEUE||3001234567|1', 'x|y|z|w|CONNECT|1|2|3'];
    const withBad = [...lines];
    bad.forEach((b, i) => withBad.splice(200 + i * 20_000, 0, b));
    const { live, bulk, importOut } = await bothPaths('generated', [{ file: 'queue_log', lines: withBad }], 997);
    expect(importOut.split('\n')[0]).toBe(`imported 1 file(s): ${withBad.length} lines, ${lines.length} accepted, 3 rejected`);
    expect(live.counts['queue_events']).toEqual([lines.length, lines.length]);
    expect(live.counts['stints']).toEqual([calls, calls]);
    expect(lines.length).toBeGreaterThan(2 * 32 * 740);
    expect(live.counts['agent_sessions']).toEqual([180, 180]); // 60 agents x 3 days, logged in and off
    expect(live.counts['agent_pauses']).toEqual([180, 180]);
    expect(live.counts['dead_letters']).toEqual([3, 3]);
    expectSameTables(bulk, live);
  }, 240_000);

  it('the real fixtures: the DareDevinX queue_log (Asterisk 1.4) and two Master.csv', async () => {
    const read = (name: string): string[] => readFileSync(realFixture(name), 'utf8').split('\n').filter((l, i, all) => i < all.length - 1 || l !== '');
    const files = [
      { file: 'queue_log', lines: read('DareDevinX__AsteriskReport__Testdaten.txt') },
      { file: 'Master.csv', lines: read('simularent__asterisk-for-speech-to-text__Master.csv') },
      { file: 'Master-buga.csv', lines: read('BugaDM__TelephonySwitching__Master.csv') },
    ];
    const { live, bulk } = await bothPaths('real', files, 13);
    expect(live.counts['cdr']).toEqual([269 + 105, 269 + 105]);
    // DareDevinX: 278 lines, 19 ended calls (test/e2e/cli.test.ts), no rejected line.
    expect(live.counts['queue_events']).toEqual([278, 278]);
    expect(live.counts['stints']).toEqual([19, 19]);
    expect(live.counts['dead_letters']).toEqual([0, 0]);
    expectSameTables(bulk, live);
  }, 240_000);
});
