// Report rendering off the event loop (issue 14: a 500-queue PDF blocked the server 15 s). Jobs
// run in worker threads, at most `size` at once (the rest wait in order); workers are started on
// first use, kept for the next job, and unref'd so they never keep a process alive. A worker
// that dies fails its job and is replaced by the next one.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { MonthlyReport } from '../core/model.ts';
import type { Rendered, RenderOptions } from './render.ts';
import type { RenderAnswer, RenderJob } from './worker.ts';

export class RenderError extends Error {
  override name = 'RenderError';
}

export interface RenderPool {
  render(report: MonthlyReport, options: RenderOptions): Promise<Rendered>;
  /** Jobs running and waiting now. */
  stats(): { running: number; waiting: number; workers: number };
  close(): Promise<void>;
}

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);

/** Default: one worker per core but one (left to the event loop), at least 1, at most 2. */
export function defaultRenderConcurrency(): number {
  return Math.max(1, Math.min(2, availableParallelism() - 1));
}

interface Slot {
  worker: Worker;
  busy: { job: RenderJob; resolve: (r: Rendered) => void; reject: (e: Error) => void } | null;
}

export function createRenderPool(opts: { size?: number } = {}): RenderPool {
  const size = opts.size ?? defaultRenderConcurrency();
  const slots: Slot[] = [];
  const waiting: Array<NonNullable<Slot['busy']>> = [];
  let nextId = 1;
  let closed = false;

  function spawn(): Slot {
    const slot: Slot = { worker: new Worker(ENTRY), busy: null };
    slot.worker.unref();
    slot.worker.on('message', (answer: RenderAnswer) => {
      const busy = slot.busy;
      if (!busy || busy.job.id !== answer.id) return;
      slot.busy = null;
      slot.worker.unref();
      if ('error' in answer) busy.reject(new RenderError(answer.error));
      else busy.resolve({ body: Buffer.from(answer.body.buffer, answer.body.byteOffset, answer.body.byteLength), warning: answer.warning });
      dispatch();
    });
    const lost = (err: Error): void => {
      const i = slots.indexOf(slot);
      if (i >= 0) slots.splice(i, 1);
      const busy = slot.busy;
      slot.busy = null;
      busy?.reject(new RenderError('the render worker stopped', { cause: err }));
      dispatch();
    };
    slot.worker.on('error', lost);
    slot.worker.on('exit', (code) => lost(new Error(`exit code ${code}`)));
    slots.push(slot);
    return slot;
  }

  function dispatch(): void {
    while (waiting.length > 0 && !closed) {
      const slot = slots.find((s) => s.busy === null) ?? (slots.length < size ? spawn() : null);
      if (!slot) return;
      const next = waiting.shift() as NonNullable<Slot['busy']>;
      slot.busy = next;
      // Referenced while it works: a CLI export must not exit before its file is rendered.
      slot.worker.ref();
      slot.worker.postMessage(next.job);
    }
  }

  return {
    render(report, options) {
      if (closed) return Promise.reject(new RenderError('the render pool is closed'));
      return new Promise<Rendered>((resolve, reject) => {
        waiting.push({ job: { id: nextId++, report, options }, resolve, reject });
        dispatch();
      });
    },
    stats: () => ({ running: slots.filter((s) => s.busy).length, waiting: waiting.length, workers: slots.length }),
    async close() {
      closed = true;
      for (const w of waiting.splice(0)) w.reject(new RenderError('the render pool is closed'));
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}

let shared: RenderPool | null = null;
/** The process's one render pool (exports from the CLI, the dashboard and the scheduler share its limit). */
export function sharedRenderPool(): RenderPool {
  shared ??= createRenderPool();
  return shared;
}
