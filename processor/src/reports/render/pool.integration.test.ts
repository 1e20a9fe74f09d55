// The render pool with real worker threads: jobs beyond the limit wait their turn, a job that
// fails in the worker fails with its reason (and the worker goes on), idle workers are ended.
// The files' bytes are checked by the reports' golden tests, which go through this pool.
import { afterAll, describe, expect, it } from 'vitest';
import type { QaMonthlyReport } from '../../quality/contract.ts';
import { createRenderPool, RenderError } from './pool.ts';

const pool = createRenderPool({ size: 1, idleMs: 200 });
afterAll(() => pool.close());

/** A report the worker refuses at once (not a month): enough to exercise the queue. */
const bad = (month: string): QaMonthlyReport => ({ month }) as unknown as QaMonthlyReport;

describe('render pool', () => {
  it('runs one job at a time with size 1, fails a job with the worker\'s reason, and keeps going', async () => {
    const first = pool.renderQuality(bad('first'), { format: 'pdf', lang: 'es', nowMs: 0 });
    const second = pool.renderQuality(bad('second'), { format: 'pdf', lang: 'es', nowMs: 0 });
    expect(pool.stats()).toEqual({ running: 1, waiting: 1, workers: 1 });
    await expect(first).rejects.toThrow(new RenderError('not a month: first'));
    await expect(second).rejects.toThrow(new RenderError('not a month: second'));
    expect(pool.stats()).toEqual({ running: 0, waiting: 0, workers: 1 });
  });

  it('ends a worker idle for idleMs, and starts a new one for the next job', async () => {
    const until = Date.now() + 10_000;
    while (pool.stats().workers > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(pool.stats().workers).toBe(0);
    await expect(pool.renderQuality(bad('third'), { format: 'xlsx', lang: 'en', nowMs: 0 })).rejects.toThrow('not a month: third');
    expect(pool.stats().workers).toBe(1);
  });
});
