// The data quality page's answer from GET /api/quality, checked field by field. Pure.

import type { ProcessorHealth, StaleCall } from '@tablero/processor/contract';
import { parseProcessorHealth } from '../../../shared/processor-health.ts';
import { isNum, isObj } from '../../lib/guards.ts';

export interface SourceRow {
  site: string;
  source: string;
  kind: string;
  live_accepted: number | null;
  live_rejected: number | null;
  stored_accepted: number;
  stored_rejected: number;
  last_line_at_ms: number | null;
  last_event_s: number | null;
  silent_for_s: number | null;
  silent: boolean;
  /** A finished one-off import (never silent); false from older servers. */
  imported: boolean;
  clock_skew_s: number | null;
}

export interface RejectedRow {
  site: string;
  source: string;
  reason: string;
  lines: number;
  last_rejected_s: number;
  sample_line_no: number;
  sample_raw: string;
}

export interface QualityReport {
  now_ms: number;
  silent_after_s: number;
  ingest: string;
  sources: SourceRow[];
  rejected: RejectedRow[];
  /** Open calls the processor left out of the live figures (kpi-definitions §5); absent from older servers. */
  stale_calls: StaleCall[];
  /** The processor's storage health; null when it runs in another process (or an older server). */
  processor: ProcessorHealth | null;
}

const nn = (v: unknown): boolean => v === null || isNum(v);
const str = (v: unknown): v is string => typeof v === 'string';

function source(v: unknown): v is SourceRow {
  return (
    isObj(v) && str(v.site) && str(v.source) && str(v.kind) && nn(v.live_accepted) && nn(v.live_rejected) && isNum(v.stored_accepted) &&
    isNum(v.stored_rejected) && nn(v.last_line_at_ms) && nn(v.last_event_s) && nn(v.silent_for_s) && typeof v.silent === 'boolean' && nn(v.clock_skew_s)
  );
}

function rejected(v: unknown): v is RejectedRow {
  return isObj(v) && str(v.site) && str(v.source) && str(v.reason) && isNum(v.lines) && isNum(v.last_rejected_s) && isNum(v.sample_line_no) && str(v.sample_raw);
}

const STALE_REASONS: readonly string[] = ['before_restart', 'no_event_for_horizon'];

function stale(v: unknown): v is StaleCall {
  return isObj(v) && str(v.site) && str(v.queue) && str(v.callid) && isNum(v.enter_s) && isNum(v.last_event_s) && str(v.reason) && STALE_REASONS.includes(v.reason);
}

export function parseQuality(v: unknown): QualityReport | null {
  if (!isObj(v) || !isNum(v.now_ms) || !isNum(v.silent_after_s) || !str(v.ingest) || !Array.isArray(v.sources) || !Array.isArray(v.rejected)) return null;
  const staleCalls = Array.isArray(v.stale_calls) ? v.stale_calls.filter(stale) : [];
  const sources = v.sources.filter(source).map((s) => ({ ...s, imported: (s as { imported?: unknown }).imported === true }));
  return { now_ms: v.now_ms, silent_after_s: v.silent_after_s, ingest: v.ingest, sources, rejected: v.rejected.filter(rejected), stale_calls: staleCalls, processor: parseProcessorHealth(v.processor) };
}
