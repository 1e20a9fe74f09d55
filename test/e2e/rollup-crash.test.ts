// Issue 18, exact rollups after crashes, with the real processes: `tablero start` tails a
// queue_log that grows in chunks while its rollup job runs every 100 ms, and is SIGKILLed 3 times
// in the middle of its work and started again on the same data directory. After every kill (the
// data directory as the killed process left it: marks without stints, stints without their
// second mark, rollup rows without their done row, whatever the moment) and at the end, the KPI
// rows read with the rollup equal the rows read from the stints alone, for several definitions
// and groupings; at the end every call is counted once.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openClickHouse, type ClickHouse } from '@tablero/sql';
import { queryKpis, readRollupState, rollUpAll, stintRollup, STINTS_KIND, type KpiReadOptions } from '@tablero/processor';
import type { KpiQuery, KpiRow } from '@tablero/processor/contract';
import { callLines } from '../support/queue-log-db.ts';
import { runTablero, startTablero, type TableroProcess } from '../support/tablero-process.ts';
import { waitFor } from '../support/wait-for.ts';

const CALLS = 12_000; // 10 s apart: 33 hours of data time, two days
const CHUNK = 400;
const T0 = Date.UTC(2026, 10, 9, 3) / 1000;
const dir = mkdtempSync(join(tmpdir(), 'tablero-rollup-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const QUERIES: KpiQuery[] = [
  { from: '2026-11-08', to: '2026-11-12', by: 'day', tz: 'UTC' },
  { from: '2026-11-08', to: '2026-11-12', by: 'month', tz: 'America/Bogota', threshold_s: 3, strict: true },
  { from: '2026-11-08', to: '2026-11-12', by: 'hour', tz: 'America/New_York', formula: 'answered_abandoned', short_abandon_s: 9 },
  { from: '2026-11-08', to: '2026-11-12', by: 'interval', tz: 'UTC', formula: 'in_threshold_outcomes', threshold_s: 6 },
];
const READ: KpiReadOptions = { defaultTz: 'UTC' };

/** Opens the data directory the way the CLI does, compares rollup and scan reads, closes it. */
async function compare(dataDir: string): Promise<{ offered: number; rolledQuarters: number }> {
  const ch: ClickHouse = await openClickHouse({ database: 'tablero', dataDir });
  try {
    for (const q of QUERIES) expect(await queryKpis(ch, q, READ)).toEqual(await queryKpis(ch, q, { ...READ, rollup: false }));
    const state = await readRollupState(ch, STINTS_KIND, 'default', T0 - 86400, T0 + 3 * 86400);
    const rows: KpiRow[] = await queryKpis(ch, QUERIES[0] as KpiQuery, READ);
    return { offered: rows.reduce((n, r) => n + r.offered, 0), rolledQuarters: state.quarters.size };
  } finally {
    await ch.close();
  }
}

describe('exact rollups, tablero start SIGKILLed while it stores stints and rolls them up', () => {
  it('rollup-based rows equal stint-scan rows after every kill and at the end', async () => {
    const dataDir = join(dir, 'data');
    const queueLog = join(dir, 'queue_log');
    writeFileSync(queueLog, '');
    const lines = callLines(0, CALLS, T0);
    const env = { TABLERO_ROLLUP_INTERVAL_MS: '100' };
    const start = (): Promise<TableroProcess> => startTablero({ args: ['--source', queueLog, '--no-simulate'], dataDir, env });
    const offered = async (): Promise<number> => {
      const r = await runTablero(['kpis', '--from', '2026-11-08', '--to', '2026-11-12', '--by', 'month', '--tz', 'UTC', '--json'], { dataDir, env });
      return r.code === 0 ? (JSON.parse(r.stdout) as KpiRow[]).reduce((n, x) => n + x.offered, 0) : -1;
    };
    let written = 0;
    const writeChunk = (): void => {
      const end = Math.min(lines.length, written + CHUNK * 3);
      appendFileSync(queueLog, `${lines.slice(written, end).join('\n')}\n`);
      written = end;
    };
    let tablero = await start();
    const rolledAtKills: number[] = [];
    try {
      for (let kill = 1; kill <= 3; kill++) {
        // A few chunks, then the kill while the next chunk is being stored.
        for (let c = 0; c < 3; c++) {
          writeChunk();
          await new Promise((r) => setTimeout(r, 2500));
        }
        writeChunk();
        await new Promise((r) => setTimeout(r, 150 * kill));
        tablero.child.kill('SIGKILL');
        await new Promise<void>((resolve) => (tablero.child.exitCode !== null || tablero.child.signalCode !== null ? resolve() : tablero.child.once('exit', () => resolve())));
        rolledAtKills.push((await compare(dataDir)).rolledQuarters);
        tablero = await start();
      }
      while (written < lines.length) writeChunk();
      await waitFor(async () => (await offered()) === CALLS, { timeoutMs: 240_000, what: `${CALLS} calls offered` });
    } finally {
      await tablero.stop();
    }
    // The job had rolled up quarters before the kills: the comparisons read both sources.
    expect(rolledAtKills.some((n) => n > 0)).toBe(true);
    expect((await compare(dataDir)).offered).toBe(CALLS);
    // Everything rolled up now (no settle time): still equal, and every call counted once.
    const ch = await openClickHouse({ database: 'tablero', dataDir });
    try {
      await rollUpAll(ch, stintRollup, { settleMs: 0 });
    } finally {
      await ch.close();
    }
    const end = await compare(dataDir);
    expect(end.offered).toBe(CALLS);
    expect(end.rolledQuarters).toBe(Math.floor(((CALLS - 1) * 10) / 900) + 1);
  }, 600_000);
});
