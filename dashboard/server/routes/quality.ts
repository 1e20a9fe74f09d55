// GET /api/quality?days=N: lines accepted and rejected per source and reason over the last N
// days (default 1), the running ingest's own counters, last line per source (silent sources
// flagged), the PBX clock skew, and the open calls the processor left out of the live figures as
// stale (kpi-definitions §5; from its newest supervisor views, no caller numbers), and the
// processor's storage health (stalled commits, rows the store refused) when it runs here.
import { DATA_QUALITY_READERS } from '../core/roles.ts';
import { processorHealthOf, qualityBySource, sourceStatuses, type SourceStatusIn } from '../core/quality.ts';
import type { ProcessorHealth } from '@tablero/processor/contract';
import type { App, AppContext } from '../context.ts';
import { BadQueryError, ReportFailedError } from '../errors.ts';
import { rejectedLines } from '../store/report-store.ts';

const MAX_DAYS = 366;

export function qualityRoutes(app: App, ctx: AppContext): void {
  app.get('/api/quality', { config: { access: DATA_QUALITY_READERS } }, async (req) => {
    const raw = req.query as Record<string, unknown>;
    for (const key of Object.keys(raw)) if (key !== 'days') throw new BadQueryError(key, 'unknown parameter');
    let days = 1;
    if (raw['days'] !== undefined) {
      const d = raw['days'];
      if (typeof d !== 'string' || !/^\d{1,3}$/.test(d) || Number(d) < 1 || Number(d) > MAX_DAYS) {
        throw new BadQueryError('days', `must be an integer from 1 to ${MAX_DAYS}`);
      }
      days = Number(d);
    }
    const nowMs = ctx.now();
    const sinceS = Math.floor(nowMs / 1000) - days * 86_400;
    let live: SourceStatusIn[] = [];
    let ingest: 'running' | 'elsewhere' | 'unavailable' = 'elsewhere';
    let processor: ProcessorHealth | null = null;
    if (ctx.deps.health) {
      try {
        const facts = await ctx.deps.health();
        live = sourceStatuses(facts);
        processor = processorHealthOf(facts);
        if (live.length > 0) ingest = 'running';
      } catch (err) {
        ingest = 'unavailable';
        req.log.warn({ err }, 'health facts unavailable');
      }
    }
    try {
      const [accepted, rejected] = await Promise.all([ctx.deps.acceptedLines?.(sinceS) ?? [], rejectedLines(ctx.deps.ch, sinceS)]);
      const silentAfterS = ctx.opts.silentAfterS ?? 300;
      return {
        now_ms: nowMs,
        since_s: sinceS,
        silent_after_s: silentAfterS,
        ingest,
        sources: qualityBySource({ nowMs, silentAfterS, live, accepted, rejected }),
        rejected,
        stale_calls: ctx.hub.staleCalls(),
        // From this process's processor, else as heard on the bus; null when never heard.
        processor: processor ?? ctx.hub.processorHealth(),
      };
    } catch (err) {
      req.log.error({ err }, 'quality query failed');
      throw new ReportFailedError({ cause: err });
    }
  });
}
