// Report figures the charts need beyond /api/kpis: the wait-time distribution and agent
// performance. Pure: integer sums come in from SQL, exact figures go out.
import { isTimeZone, parseKpiQuery, type ParseResult } from './kpi-query.ts';

/** Lower edges (seconds) of the wait buckets; the last bucket is open-ended. */
export const WAIT_EDGES_S: readonly number[] = [0, 10, 20, 30, 45, 60, 90, 120, 180, 300];

export interface RangeQuery {
  from: string;
  to: string;
  queues: string[];
  tz: string;
}

const RANGE_PARAMS = new Set(['from', 'to', 'queue', 'tz']);

/** `from`, `to` (exclusive), repeatable `queue` and `tz`, validated like /api/kpis. */
export function parseRangeQuery(raw: Record<string, unknown>, defaultTz: string): ParseResult<RangeQuery> {
  for (const key of Object.keys(raw)) {
    if (!RANGE_PARAMS.has(key)) return { ok: false, param: key, reason: 'unknown parameter' };
  }
  const parsed = parseKpiQuery(raw);
  if (!parsed.ok) return parsed;
  const tz = parsed.value.tz ?? defaultTz;
  if (!isTimeZone(tz)) return { ok: false, param: 'tz', reason: 'must be an IANA time zone' };
  return { ok: true, value: { from: parsed.value.from, to: parsed.value.to, queues: parsed.value.queues ?? [], tz } };
}

/**
 * num / den rounded half up to 2 decimals, exactly (kpi-definitions §11: never round binary
 * floating point); null when den is 0. Inputs are non-negative integers.
 */
export function ratio2(num: number, den: number): number | null {
  if (den === 0) return null;
  // floor((200 num + den) / (2 den)) = round half up of 100 num / den, in integers.
  const n = BigInt(num);
  const d = BigInt(den);
  const hundredths = (200n * n + d) / (2n * d);
  return Number(hundredths) / 100;
}

export interface WaitBucket {
  from_s: number;
  /** Exclusive upper edge; null for the last, open-ended bucket. */
  to_s: number | null;
  answered: number;
  abandoned: number;
}

/** SQL rows (outcome, 1-based bucket, calls) -> every bucket in order, zeros included. */
export function waitHistogram(rows: ReadonlyArray<{ outcome: string; bucket: number; calls: number }>, edges: readonly number[] = WAIT_EDGES_S): WaitBucket[] {
  const out: WaitBucket[] = edges.map((from, i) => ({ from_s: from, to_s: edges[i + 1] ?? null, answered: 0, abandoned: 0 }));
  for (const r of rows) {
    const b = out[r.bucket - 1];
    if (!b) continue; // bucket 0 would be a negative wait, which the parser never produces
    if (r.outcome === 'answered') b.answered += r.calls;
    else if (r.outcome === 'abandoned') b.abandoned += r.calls;
  }
  return out;
}

export interface AgentPerformance {
  agent: string;
  answered: number;
  /** sum(talk) / answered with known talk, 2 decimals; null without known talk. */
  aht_s: number | null;
  talk_s: number;
  pause_s: number;
  /** Seconds paused per reason ('' = no reason given). */
  pause_by_reason: Record<string, number>;
}

export function agentPerformance(
  calls: ReadonlyArray<{ agent: string; answered: number; talk_sum: number; talk_n: number }>,
  pauses: ReadonlyArray<{ agent: string; reason: string; pause_s: number }>,
): { agents: AgentPerformance[]; reasons: string[] } {
  const by = new Map<string, AgentPerformance>();
  const get = (agent: string): AgentPerformance => {
    let a = by.get(agent);
    if (!a) {
      a = { agent, answered: 0, aht_s: null, talk_s: 0, pause_s: 0, pause_by_reason: {} };
      by.set(agent, a);
    }
    return a;
  };
  for (const c of calls) {
    const a = get(c.agent);
    a.answered = c.answered;
    a.talk_s = c.talk_sum;
    a.aht_s = ratio2(c.talk_sum, c.talk_n);
  }
  const reasons = new Set<string>();
  for (const p of pauses) {
    const a = get(p.agent);
    a.pause_by_reason[p.reason] = (a.pause_by_reason[p.reason] ?? 0) + p.pause_s;
    a.pause_s += p.pause_s;
    reasons.add(p.reason);
  }
  const collator = new Intl.Collator('en', { numeric: true });
  return {
    agents: [...by.values()].sort((x, y) => collator.compare(x.agent, y.agent)),
    reasons: [...reasons].sort(collator.compare),
  };
}
