// Scheduled exports on embedded ClickHouse and a real folder: nothing before the first
// occurrence, the files at the occurrence, one run recorded per occurrence (success or failure),
// nothing twice; only inside the exports folder (issue 14).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ClickHouse } from '@tablero/sql';
import { freshClickHouse } from '../testing/clickhouse.ts';
import { startExportScheduler } from './service.ts';
import { listRuns, saveSchedule, ScheduleSpecError } from './store/report-store.ts';
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
  await saveSchedule(ch, { spec: { id: 'board', every: 'monthly', tz: 'America/La_Paz', formats: ['csv', 'xlsx'], folder }, createdBy: 'ana', nowMs: now0, exportsDir: dir });
  await saveSchedule(ch, { spec: { id: 'broken', every: 'monthly', tz: 'America/La_Paz', formats: ['pdf'], folder: blocked }, createdBy: 'ana', nowMs: now0, exportsDir: dir });
  await saveSchedule(ch, { spec: { id: 'off', enabled: false, every: 'daily', tz: 'UTC', folder }, createdBy: 'ana', nowMs: now0, exportsDir: dir });

  let now = now0;
  const scheduler = startExportScheduler({ ch, log: pino({ level: 'silent' }), defaultTz: 'UTC', exportsDir: dir }, { now: () => now, tickMs: 3_600_000 });
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

it('refuses a schedule whose folder is outside the exports folder, and a run a link inside leads outside', async () => {
  const exportsDir = join(dir, 'exports');
  const outside = mkdtempSync(join(tmpdir(), 'tablero-outside-'));
  try {
    const save = (folder: string) => saveSchedule(ch, { spec: { id: 'out', every: 'daily', tz: 'UTC', formats: ['csv'], folder }, createdBy: 'ana', nowMs: 0, exportsDir });
    for (const folder of [outside, '/etc', `${exportsDir}/../elsewhere`, `${exportsDir}-sibling`]) {
      const err = await save(folder).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ScheduleSpecError);
      expect((err as Error).message).toBe(`invalid export schedule: folder_outside_exports (the folder must be ${exportsDir} or a folder inside it; set by TABLERO_EXPORTS_DIR)`);
    }
    await expect(save(`${exportsDir}/board/`)).resolves.toMatchObject({ folder: `${exportsDir}/board/` });
    // A link placed inside the exports folder that points out of it: the run fails, nothing is written there.
    mkdirSync(exportsDir, { recursive: true });
    symlinkSync(outside, join(exportsDir, 'link'));
    await saveSchedule(ch, { spec: { id: 'linked', every: 'daily', tz: 'UTC', formats: ['csv'], folder: join(exportsDir, 'link') }, createdBy: 'ana', nowMs: 0, exportsDir });
    await saveSchedule(ch, { spec: { id: 'out', enabled: false, every: 'daily', tz: 'UTC', formats: ['csv'], folder: `${exportsDir}/board` }, createdBy: 'ana', nowMs: 0, exportsDir });
    await saveSchedule(ch, { spec: { id: 'board', enabled: false, every: 'monthly', tz: 'UTC', folder: `${exportsDir}/board` }, createdBy: 'ana', nowMs: 0, exportsDir });
    await saveSchedule(ch, { spec: { id: 'broken', enabled: false, every: 'monthly', tz: 'UTC', folder: `${exportsDir}/board` }, createdBy: 'ana', nowMs: 0, exportsDir });
    let now = Date.parse('2026-11-02T00:00:00Z');
    const scheduler = startExportScheduler({ ch, log: pino({ level: 'silent' }), defaultTz: 'UTC', exportsDir }, { now: () => now, tickMs: 3_600_000 });
    try {
      now = Date.parse('2026-11-03T06:00:30Z');
      const results = await scheduler.tick();
      expect(results.map((r) => [r.run_id, r.status, r.files, r.error])).toEqual([
        ['linked@2026-11-03T06:00:00.000Z', 'failed', [], `the folder ${join(exportsDir, 'link')} leads to ${outside}, outside the exports folder ${exportsDir} (TABLERO_EXPORTS_DIR)`],
      ]);
      expect(readdirSync(outside)).toEqual([]);
    } finally {
      await scheduler.stop();
    }
  } finally {
    rmSync(outside, { recursive: true, force: true });
  }
});
