// Render worker thread: takes { id, report, options } jobs from the pool, answers { id, body,
// warning } (the body's buffer transferred, not copied) or { id, error }. One job at a time.
import { parentPort } from 'node:worker_threads';
import type { MonthlyReport } from '../core/model.ts';
import { renderReport, type RenderOptions } from './render.ts';

export interface RenderJob {
  id: number;
  report: MonthlyReport;
  options: RenderOptions;
}
export type RenderAnswer = { id: number; body: Uint8Array; warning: string | null } | { id: number; error: string };

const port = parentPort;
if (port) {
  port.on('message', (job: RenderJob) => {
    renderReport(job.report, job.options).then(
      ({ body, warning }) => {
        // A copy into a buffer of its own: Buffer.from results may share Node's pool, which cannot be transferred.
        const bytes = new Uint8Array(body.byteLength);
        bytes.set(body);
        const answer: RenderAnswer = { id: job.id, body: bytes, warning };
        port.postMessage(answer, [bytes.buffer]);
      },
      (err: unknown) => {
        const answer: RenderAnswer = { id: job.id, error: err instanceof Error ? err.message : String(err) };
        port.postMessage(answer);
      },
    );
  });
}
