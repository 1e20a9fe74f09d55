// Shared by bulk import and HTTP push: one decoded line -> parse -> publisher, with counters.
import type { BatchPublisher } from '../bus/publisher.ts';
import { toDeadLetter } from '../core/dead-letter.ts';
import type { KindSpec } from '../core/kinds.ts';
import type { LineEmitter } from '../core/line-splitter.ts';
import { DEFAULT_CLOCK_SKEW_S } from '../core/queue-log.ts';

export interface LineCounters {
  lines: number;
  accepted: number;
  rejected: Record<string, number>;
  skipped: number;
}

export function newCounters(): LineCounters {
  return { lines: 0, accepted: 0, rejected: {}, skipped: 0 };
}

export function lineHandler<T>(
  spec: KindSpec<T>,
  publisher: BatchPublisher<T, number>,
  ctx: {
    site: string;
    source: string;
    fingerprint: string;
    knownLineNumbers: boolean;
    nowS: () => number;
    /** Clock-skew tolerance: lines dated later than now + this are rejected (default 1 day). */
    clockSkewS?: number;
  },
  counters: LineCounters,
): LineEmitter {
  const { site, source, fingerprint } = ctx;
  // Line numbers count within this source (one file, one push body), not across the counters.
  let n = 0;
  const skew = ctx.clockSkewS ?? DEFAULT_CLOCK_SKEW_S;
  // The receiving clock, read once per 1024 lines (a bulk import reads a million lines a second).
  let latestEpochS = 0;
  return (text, offset, endOffset, plain) => {
    if ((n & 1023) === 0) latestEpochS = ctx.nowS() + skew;
    counters.lines += 1;
    n += 1;
    const lineNo = ctx.knownLineNumbers ? n : 0;
    if (spec.skip?.(text, n)) {
      counters.skipped += 1;
      publisher.skip(fingerprint, endOffset);
      return;
    }
    const at = { site, source, fingerprint, offset, lineNo, latestEpochS };
    const r = spec.parse(text, at);
    if (r.ok) {
      counters.accepted += 1;
      publisher.add(fingerprint, offset, r.value, endOffset, plain);
    } else {
      counters.rejected[r.reason] = (counters.rejected[r.reason] ?? 0) + 1;
      publisher.addDead(fingerprint, toDeadLetter(r.reason, r.line, at, ctx.nowS()), endOffset);
    }
  };
}
