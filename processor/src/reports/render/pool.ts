// Report rendering off the event loop (issue 14: a 500-queue PDF blocked the server 15 s): the
// monthly indicator report (CSV, XLSX, PDF) and the monthly quality report (XLSX, PDF). Jobs run
// in worker threads, at most `size` at once (the rest wait in order); workers are started on
// first use, kept for the next job while busy, ended after `idleMs` without one (each holds its
// own copy of the PDF and spreadsheet libraries), and unref'd while idle so they never keep a
// process alive. A worker that dies fails its job and is replaced by the next one.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { QaMonthlyReport } from '../../quality/contract.ts';
import type { MonthlyReport } from '../core/model.ts';
import type { QualityRenderOptions, QualityReportFile } from '../quality/index.ts';
import type { Rendered, RenderOptions } from './render.ts';
import type { RenderAnswer, RenderJob } from './worker.ts';

export class RenderError extends Error {
  override name = 'RenderError';
}

export interface RenderPool {
  render(report: MonthlyReport, options: RenderOptions): Promise<Rendered>;
  renderQuality(report: QaMonthlyReport, options: QualityRenderOptions): Promise<QualityReportFile>;
  /** Jobs running and waiting now. */
  stats(): { running: number; waiting: number; workers: number };
  close(): Promise<void>;
}

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);

/** Default: one worker per core but one (left to the event loop), at least 1, at most 2. */
export function defaultRenderConcurrency(): number {
  return Math.max(1, Math.min(2, availableParallelism() - 1));
}

type Done = Extract<RenderAnswer, { body: Uint8Array }>;
interface Slot {
  worker: Worker;
  busy: { job: RenderJob; resolve: (r: Done) => void; reject: (e: Error) => void } | null;
  idle: NodeJS.Timeout | null;
}

/** An idle worker is ended after this long (ms). */
const DEFAULT_IDLE_MS = 60_000;

export function createRenderPool(opts: { size?: number; idleMs?: number } = {}): RenderPool {
  const size = opts.size ?? defaultRenderConcurrency();
  const idleMs = opts.idleMs ?? DEFAULT_IDLE_MS;
  const slots: Slot[] = [];
  const waiting: Array<NonNullable<Slot['busy']>> = [];
  let nextId = 1;
  let closed = false;

  function spawn(): Slot {
    const slot: Slot = { worker: new Worker(ENTRY), busy: null, idle: null };
    slot.worker.unref();
    slot.worker.on('message', (answer: RenderAnswer) => {
      const busy = slot.busy;
      if (!busy || busy.job.id !== answer.id) return;
      slot.busy = null;
      slot.worker.unref();
      if ('error' in answer) busy.reject(new RenderError(answer.error));
      else busy.resolve(answer);
      dispatch();
      if (slot.busy === null) {
        slot.idle = setTimeout(() => {
          // Out of the pool first, so no job is handed to a worker on its way out.
          const i = slots.indexOf(slot);
          if (i >= 0) slots.splice(i, 1);
          void slot.worker.terminate();
        }, idleMs);
        slot.idle.unref();
      }
    });
    const lost = (err: Error): void => {
      if (slot.idle) clearTimeout(slot.idle);
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
      if (slot.idle) clearTimeout(slot.idle);
      slot.idle = null;
      slot.busy = next;
      // Referenced while it works: a CLI export must not exit before its file is rendered.
      slot.worker.ref();
      slot.worker.postMessage(next.job);
    }
  }

  function submit(job: Omit<RenderJob, 'id'>): Promise<Done> {
    if (closed) return Promise.reject(new RenderError('the render pool is closed'));
    return new Promise<Done>((resolve, reject) => {
      waiting.push({ job: { ...job, id: nextId++ } as RenderJob, resolve, reject });
      dispatch();
    });
  }
  const bytes = (d: Done): Buffer => Buffer.from(d.body.buffer, d.body.byteOffset, d.body.byteLength);

  return {
    async render(report, options) {
      const done = await submit({ kind: 'monthly', report, options });
      return { body: bytes(done), warning: 'warning' in done.meta ? done.meta.warning : null };
    },
    async renderQuality(report, options) {
      const done = await submit({ kind: 'quality', report, options });
      if (!('filename' in done.meta)) throw new RenderError('the render worker answered a quality report without its file name');
      return { filename: done.meta.filename, content_type: done.meta.content_type, body: bytes(done) };
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
  if (!shared) {
    const pool = createRenderPool();
    shared = pool;
    // /metrics: tablero_export_jobs (running, waiting) of this process. The metrics module (and
    // prom-client with it, ~80 modules) is already loaded in a service that serves /metrics; a
    // CLI export only pays for it after its own start (issue 18 "Start").
    void import('../../metrics.ts').then((m) => m.registerExportQueue(() => pool.stats()));
  }
  return shared;
}
