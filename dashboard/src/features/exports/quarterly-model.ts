// The quarterly report panel's data: the quarters offered and the closed quarters list.

/** `YYYY-Qn` of an instant (UTC calendar; the server reads it in the site's zone). */
export function quarterOf(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

/** The `n` quarters before the current one, newest first (the last ended quarter first). */
export function recentQuarters(nowMs: number, n = 8): string[] {
  const d = new Date(nowMs);
  let y = d.getUTCFullYear();
  let q = Math.floor(d.getUTCMonth() / 3) + 1;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    q -= 1;
    if (q === 0) {
      q = 4;
      y -= 1;
    }
    out.push(`${y}-Q${q}`);
  }
  return out;
}

export interface ClosedQuarterRow {
  quarter: string;
  version: number;
  tickets: number;
  fingerprint: string;
  closed_by: string;
  live_fingerprint: string;
  data_changed: boolean;
}

export function parseClosedQuarters(v: unknown): ClosedQuarterRow[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((x) => {
    const r = x as Record<string, unknown>;
    if (typeof r['quarter'] !== 'string') return [];
    return [{
      quarter: r['quarter'],
      version: Number(r['version'] ?? 0),
      tickets: Number(r['tickets'] ?? 0),
      fingerprint: String(r['fingerprint'] ?? ''),
      closed_by: String(r['closed_by'] ?? ''),
      live_fingerprint: String(r['live_fingerprint'] ?? ''),
      data_changed: r['data_changed'] === true,
    }];
  });
}
