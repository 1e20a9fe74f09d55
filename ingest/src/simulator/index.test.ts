import { mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { simulate, SimulatorOptionError, startSimulator, type SimulatorHandle } from './index.ts';

const MONDAY_10H = Date.UTC(2026, 9, 5, 10) / 1000;

let dir: string;
let handle: SimulatorHandle | null = null;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tablero-sim-'));
});
afterEach(async () => {
  await handle?.stop();
  handle = null;
  await rm(dir, { recursive: true, force: true });
});

/** Polls until `cond` holds (never a fixed sleep), failing after `timeoutMs`. */
async function waitFor(cond: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
const lines = (text: string) => text.split('\n').slice(0, -1);

describe('startSimulator', () => {
  it('writes live queue_log and Master.csv at speed 60, identical to the pure simulation of the same span', async () => {
    const opts = { seed: 21, callsPerHour: 600, tz: 'UTC', curve: 'flat' as const };
    handle = await startSimulator({ outDir: join(dir, 'out'), speed: 60, startAtS: MONDAY_10H, ...opts });
    expect(handle.queueLogPath).toBe(join(dir, 'out', 'queue_log'));
    expect(handle.cdrPath).toBe(join(dir, 'out', 'Master.csv'));
    // QUEUESTART and the logins are on disk as soon as start resolves.
    expect((await readFile(handle.queueLogPath, 'utf8')).startsWith(`${MONDAY_10H}|NONE|NONE|NONE|QUEUESTART|\n${MONDAY_10H}|`)).toBe(true);
    const h = handle;
    await waitFor(async () => {
      const ql = await readFile(h.queueLogPath, 'utf8');
      const cdr = await readFile(h.cdrPath, 'utf8').catch(() => '');
      // A few real seconds: 150 simulated seconds at speed 60 is 2.5 s.
      return h.stats().simTimeS >= MONDAY_10H + 150 && (ql.match(/\|COMPLETE(CALLER|AGENT)\|/g) ?? []).length >= 3 && cdr.length > 0;
    });
    await h.stop();
    const stats = h.stats();
    const ql = await readFile(h.queueLogPath, 'utf8');
    const cdr = await readFile(h.cdrPath, 'utf8');
    expect(ql.endsWith('\n')).toBe(true);
    expect(cdr.endsWith('\n')).toBe(true);
    expect(stats.linesWritten).toBe(lines(ql).length);
    expect(stats.cdrRowsWritten).toBe(lines(cdr).length);
    expect(stats.simTimeS - MONDAY_10H).toBeGreaterThanOrEqual(150);
    const expected = simulate({ startAtS: MONDAY_10H, durationS: stats.simTimeS - MONDAY_10H, ...opts });
    expect(lines(ql)).toEqual(expected.queueLog);
    expect(lines(cdr)).toEqual(expected.cdr);
    expect(stats.calls).toBeGreaterThanOrEqual(new Set(expected.queueLog.filter((l) => l.includes('|ENTERQUEUE|')).map((l) => l.split('|')[1])).size);

    // Stopped means stopped: nothing more is written after a few more tick periods.
    const size = (await stat(h.queueLogPath)).size;
    await new Promise((r) => setTimeout(r, 600));
    expect((await stat(h.queueLogPath)).size).toBe(size);
    await h.stop(); // idempotent
  });

  it('continues an existing file after its last line, finishing an unterminated last line first', async () => {
    const last = MONDAY_10H + 500;
    const existing = `${MONDAY_10H}|NONE|NONE|NONE|QUEUESTART|\n${last}|NONE|NONE|NONE|CONFIGRELOAD|`;
    await writeFile(join(dir, 'queue_log'), existing);
    await writeFile(join(dir, 'Master.csv'), '"","100","101"');
    let fakeMs = MONDAY_10H * 1000; // the clock says "now" is before the file's last line
    handle = await startSimulator({ outDir: dir, seed: 5, tz: 'UTC', now: () => fakeMs });
    expect(handle.startAtS).toBe(last + 1);
    expect(handle.seed).toBe(5);
    fakeMs += 120_000; // two minutes later
    const h = handle;
    const target = last + 1 + 120;
    await waitFor(async () => h.stats().simTimeS >= target);
    await h.stop();
    const expected = simulate({ startAtS: last + 1, durationS: 120, seed: 5, tz: 'UTC' });
    const ql = await readFile(h.queueLogPath, 'utf8');
    expect(ql).toBe(`${existing}\n${expected.queueLog.join('\n')}\n`);
    expect(h.stats().linesWritten).toBe(expected.queueLog.length);
    const cdr = await readFile(h.cdrPath, 'utf8');
    expect(cdr).toBe(expected.cdr.length === 0 ? '"","100","101"\n' : `"","100","101"\n${expected.cdr.join('\n')}\n`);
  });

  it('starts at the clock time with a seed derived from it when neither is given', async () => {
    const nowMs = (MONDAY_10H + 0.7) * 1000;
    handle = await startSimulator({ outDir: dir, tz: 'UTC', now: () => nowMs });
    expect(handle.startAtS).toBe(MONDAY_10H);
    expect(handle.seed).toBe(MONDAY_10H % 2_147_483_647);
    // The default roster: 12 agents, extensions 201-212.
    expect(Object.keys(handle.memberAliases)).toHaveLength(12);
    expect(handle.memberAliases['Local/201@from-queue/n']).toBe('Ana Pérez');
    expect(handle.memberAliases['Local/212@from-queue/n']).toBe('Fernando Mendoza');
  });

  it('keeps running when queue_log cannot be written (disk full): one error log, lines kept, CDR still written', async () => {
    await symlink('/dev/full', join(dir, 'queue_log')); // every write fails with ENOSPC
    const records: { level: number; msg: string; err?: { code?: string; cause?: { code?: string } } }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        records.push(JSON.parse(chunk.toString()) as (typeof records)[number]);
        cb();
      },
    });
    let fakeMs = MONDAY_10H * 1000;
    handle = await startSimulator({ outDir: dir, seed: 2, tz: 'UTC', startAtS: MONDAY_10H, now: () => fakeMs, log: pino({ level: 'info' }, sink) });
    fakeMs += 600_000;
    const h = handle;
    await waitFor(async () => h.stats().cdrRowsWritten > 0 && h.stats().simTimeS >= MONDAY_10H + 600);
    fakeMs += 60_000;
    await waitFor(async () => h.stats().simTimeS >= MONDAY_10H + 660);
    await h.stop();
    expect(h.stats().linesWritten).toBe(0);
    const errors = records.filter((r) => r.msg === 'simulator write failed');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.level).toBe(50);
    expect(errors[0]?.err?.code).toBe('TABLERO_ERR_SIM_WRITE');
    const expected = simulate({ startAtS: MONDAY_10H, durationS: 660, seed: 2, tz: 'UTC' });
    expect(await readFile(h.cdrPath, 'utf8')).toBe(`${expected.cdr.join('\n')}\n`);
  });

  it.each([
    [{ speed: 0 }, 'speed'],
    [{ speed: Number.POSITIVE_INFINITY }, 'speed'],
    [{ agents: -1 }, 'agents'],
    [{ tz: 'Nowhere/Land' }, 'tz'],
  ])('rejects %o before touching the files', async (bad, option) => {
    const err = await startSimulator({ outDir: join(dir, 'never'), ...bad }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SimulatorOptionError);
    expect((err as SimulatorOptionError).option).toBe(option);
    await expect(stat(join(dir, 'never', 'queue_log'))).rejects.toThrow(/ENOENT/);
  });
});
