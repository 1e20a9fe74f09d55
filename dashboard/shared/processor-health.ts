// The processor's storage health as it crosses the network (/api/health's `processor`, the data
// quality page's): read field by field by the server (from injected, loosely typed health facts)
// and by the SPA (from JSON), with one reader. Pure.
import type { ProcessorHealth } from '@tablero/processor/contract';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The health when well-formed, else null (absent: the processor runs in another process). */
export function parseProcessorHealth(v: unknown): ProcessorHealth | null {
  if (!isRecord(v) || (v.status !== 'ok' && v.status !== 'degraded')) return null;
  if (!isNum(v.stored_commits) || !isNum(v.split_inserts) || !isNum(v.refused_rows)) return null;
  const r = v.last_refusal;
  return {
    status: v.status,
    reason: typeof v.reason === 'string' ? v.reason : null,
    stalled_s: isNum(v.stalled_s) ? v.stalled_s : null,
    stored_commits: v.stored_commits,
    split_inserts: v.split_inserts,
    refused_rows: v.refused_rows,
    last_refusal: isRecord(r) && typeof r.reason === 'string' && typeof r.table === 'string' && isNum(r.at_ms) ? { reason: r.reason, table: r.table, at_ms: r.at_ms } : null,
  };
}
