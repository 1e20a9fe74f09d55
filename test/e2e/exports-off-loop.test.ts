// Issue 14, item 6: a 500-queue PDF export used to block `tablero start`'s event loop for 15 s
// (/api/health answered in 14.9 s). Rendering now runs in worker threads: while two 500-queue PDF
// exports run at once, /api/health keeps answering. Measured relative to the exports themselves
// (no fixed time limit): the longest health answer is a small part of the exports' duration,
// and health answers many times before the first export is done. Figures: bench/health-during-exports.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportsWithHealth, LOAD_ENV, loginCookie, pushManyQueues } from '../support/exports-load.ts';
import { startTablero, type TableroProcess } from '../support/tablero-process.ts';

let t: TableroProcess;
let cookie: string;
beforeAll(async () => {
  t = await startTablero({ args: ['--no-simulate'], env: LOAD_ENV });
  cookie = await loginCookie(t);
  await pushManyQueues(t, cookie, 500, 2);
}, 240_000);
afterAll(async () => {
  await t?.stop();
});

describe('exports off the event loop', () => {
  it('answers /api/health while two 500-queue PDF exports run', async () => {
    const run = await exportsWithHealth(t, cookie, 2);
    expect(run.exports.map((e) => [e.status, e.head])).toEqual([[200, '%PDF-'], [200, '%PDF-']]);
    const firstDone = Math.min(...run.exports.map((e) => e.endedMs));
    const during = run.health.filter((h) => h.endedMs < firstDone);
    expect(run.health.every((h) => h.status === 200)).toBe(true);
    // Asked one after the other every ~20 ms: a blocked loop would leave a gap as long as a render.
    expect(during.length).toBeGreaterThanOrEqual(10);
    expect(Math.max(...run.health.map((h) => h.waitMs))).toBeLessThan(firstDone / 4);
  }, 300_000);
});
