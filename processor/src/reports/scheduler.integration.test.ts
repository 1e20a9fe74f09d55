// Scheduled exports on embedded ClickHouse and a real folder: nothing before the first
// occurrence, the files at the occurrence, one run recorded per occurrence (success or failure),
// nothing twice.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ClickHouse } from '@tablero/sql';
import { freshClickHouse } from '../testing/clickhouse.ts';
import { startExportScheduler } from './service.ts';
import { listRuns, saveSchedule } from './store/report-store.ts';
import { seedOctober } from './testing/month-fixture.ts';

let ch: ClickHouse & { dispose(): Promise<void> };
const dir = mkdtempSync(join(tmpdir(), 'tablero-sched-'));

beforeAll(async () => {
  ch = await freshClickHouse();
  await seedOctober(ch);
});
afterAll(async () => {
  await ch?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

it('writes the month just ended at day 1 06:00 La Paz and records every run once', async () => {
  const folder = join(dir, 'board');
  const blocked = join(dir, 'not-a-folder');
  writeFileSync(blocked, 'a file where the folder should be');
  const now0 = Date.parse('2026-10-15T00:00:00Z');
  await saveSchedule(ch, { spec: { id: 'board', every: 'monthly', tz: 'America/La_Paz', formats: ['csv', 'xlsx'], folder }, createdBy: 'ana', nowMs: now0 });
  await saveSchedule(ch, { spec: { id: 'broken', every: 'monthly', tz: 'America/La_Paz', formats: ['pdf'], folder: blocked }, createdBy: 'ana', nowMs: now0 });
  await saveSchedule(ch, { spec: { id: 'off', enabled: false, every: 'daily', tz: 'UTC', folder }, createdBy: 'ana', nowMs: now0 });

  let now = now0;
  const scheduler = startExportScheduler({ ch, log: pino({ level: 'silent' }), defaultTz: 'UTC' }, { now: () => now, tickMs: 3_600_000 });
  try {
    now = Date.parse('2026-11-01T09:59:00Z'); // 05:59 in La Paz
    expect(await scheduler.tick()).toEqual([]);
    expect(existsSync(folder)).toBe(false);

    now = Date.parse('2026-11-01T10:00:30Z');
    const results = await scheduler.tick();
    expect(results.map((r) => [r.run_id, r.status, r.files])).toEqual([
      ['board@2026-11-01T10:00:00.000Z', 'ok', ['tablero-default-2026-10.csv', 'tablero-default-2026-10.xlsx']],
      ['broken@2026-11-01T10:00:00.000Z', 'failed', []],
    ]);
    expect(readdirSync(folder).sort()).toEqual(['tablero-default-2026-10.csv', 'tablero-default-2026-10.xlsx']);
    const csv = readFileSync(join(folder, 'tablero-default-2026-10.csv'), 'utf8');
    expect(csv).toContain('\r\n101;8;6;5;2;1;1;0;0;0;0;1;0;1;62,50;');
    expect(csv).toContain('Generado;2026-11-01 06:00:30 -04:00 (America/La_Paz)');

    // The same occurrence is never run twice.
    now = Date.parse('2026-11-20T00:00:00Z');
    expect(await scheduler.tick()).toEqual([]);

    const runs = await listRuns(ch);
    expect(runs.map((r) => ({ ...r, error: r.error.replace(/'.*'/, "'<path>'") }))).toEqual([
      {
        run_id: 'board@2026-11-01T10:00:00.000Z', schedule_id: 'board', site: 'default', scheduled_for_ms: Date.parse('2026-11-01T10:00:00Z'),
        started_at_ms: Date.parse('2026-11-01T10:00:30Z'), finished_at_ms: Date.parse('2026-11-01T10:00:30Z'), month: '2026-10', status: 'ok',
        files: ['tablero-default-2026-10.csv', 'tablero-default-2026-10.xlsx'], bytes: runs[0]?.bytes ?? -1, error: '',
      },
      {
        run_id: 'broken@2026-11-01T10:00:00.000Z', schedule_id: 'broken', site: 'default', scheduled_for_ms: Date.parse('2026-11-01T10:00:00Z'),
        started_at_ms: Date.parse('2026-11-01T10:00:30Z'), finished_at_ms: Date.parse('2026-11-01T10:00:30Z'), month: '2026-10', status: 'failed',
        files: [], bytes: 0, error: "EEXIST: file already exists, mkdir '<path>'",
      },
    ]);
    expect(runs[0]?.bytes).toBe(readFileSync(join(folder, 'tablero-default-2026-10.csv')).length + readFileSync(join(folder, 'tablero-default-2026-10.xlsx')).length);
  } finally {
    await scheduler.stop();
  }
});
