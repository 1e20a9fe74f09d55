import { createHash } from 'node:crypto';
import { UsageError } from './usage.ts';

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/**
 * TABLERO_SOURCE_TOKENS = `token=site:name,token2=site:name2`: the bearer tokens PBXs use to push
 * lines. Only their SHA-256 is kept in memory.
 */
export function parseSourceTokens(spec: string | undefined): Record<string, { site: string; name: string }> {
  const out: Record<string, { site: string; name: string }> = {};
  if (!spec) return out;
  for (const entry of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([^=]{16,})=([A-Za-z0-9_-]{1,64}):([A-Za-z0-9_.-]{1,64})$/.exec(entry);
    if (!m) throw new UsageError('TABLERO_SOURCE_TOKENS entries must be token=site:name with a token of 16+ characters');
    out[sha256Hex(m[1] as string)] = { site: m[2] as string, name: m[3] as string };
  }
  return out;
}
