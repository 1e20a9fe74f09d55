// Render worker thread: takes jobs from the pool (pool.ts), answers { id, body, meta } (the body's
// buffer transferred, not copied) or { id, error }. One job at a time.
import { parentPort } from 'node:worker_threads';
import type { QaMonthlyReport } from '../../quality/contract.ts';
import type { MonthlyReport } from '../core/model.ts';
import { renderQualityReportHere, type QualityRenderOptions } from '../quality/index.ts';
import { renderReport, type RenderOptions } from './render.ts';

export type RenderJob =
  | { id: number; kind: 'monthly'; report: MonthlyReport; options: RenderOptions }
  | { id: number; kind: 'quality'; report: QaMonthlyReport; options: QualityRenderOptions };
/** `meta`: the monthly report's warning, or the quality file's name and content type. */
export type RenderAnswer =
  | { id: number; body: Uint8Array; meta: { warning: string | null } | { filename: string; content_type: string } }
  | { id: number; error: string };

async function run(job: RenderJob): Promise<{ body: Buffer; meta: Extract<RenderAnswer, { body: Uint8Array }>['meta'] }> {
  if (job.kind === 'monthly') {
    const { body, warning } = await renderReport(job.report, job.options);
    return { body, meta: { warning } };
  }
  const { body, filename, content_type } = await renderQualityReportHere(job.report, job.options);
  return { body, meta: { filename, content_type } };
}

const port = parentPort;
if (port) {
  port.on('message', (job: RenderJob) => {
    run(job).then(
      ({ body, meta }) => {
        // A copy into a buffer of its own: Buffer results may share Node's pool, which cannot be transferred.
        const bytes = new Uint8Array(body.byteLength);
        bytes.set(body);
        const answer: RenderAnswer = { id: job.id, body: bytes, meta };
        port.postMessage(answer, [bytes.buffer]);
      },
      (err: unknown) => {
        const answer: RenderAnswer = { id: job.id, error: err instanceof Error ? err.message : String(err) };
        port.postMessage(answer);
      },
    );
  });
}
