import { describe, expect, it } from 'vitest';
import { parseQuality } from './quality-model.ts';

const src = {
  site: 'lpz', source: '/q', kind: 'queue_log', live_accepted: 7, live_rejected: 3, stored_accepted: 7, stored_rejected: 3,
  last_line_at_ms: 5, last_event_s: 4, silent_for_s: 58, silent: false, imported: false, clock_skew_s: 2,
};
const rej = { site: 'lpz', source: '/q', reason: 'bad_epoch', lines: 1, last_rejected_s: 9, sample_line_no: 11, sample_raw: 'x' };

describe('parseQuality', () => {
  it('keeps well-formed rows and drops the rest', () => {
    const stale = { site: 'lpz', queue: '101', callid: 'c1', enter_s: 10, last_event_s: 20, reason: 'before_restart' };
    expect(parseQuality({
      now_ms: 1, silent_after_s: 300, ingest: 'running', since_s: 0, sources: [src, { ...src, silent: 'no' }], rejected: [rej, { ...rej, lines: null }],
      stale_calls: [stale, { ...stale, reason: 'lost' }, { ...stale, enter_s: '10' }],
    })).toEqual({
      now_ms: 1, silent_after_s: 300, ingest: 'running', sources: [src], rejected: [rej], stale_calls: [stale], processor: null,
    });
  });

  it('reads the processor health, dropping a malformed last refusal and refusing a malformed health', () => {
    const health = {
      status: 'degraded', reason: 'commit 7 not stored for 20 s: ClickHouse unreachable', stalled_s: 20, stored_commits: 6, split_inserts: 1,
      refused_rows: 2, last_refusal: { reason: 'store_refused:cannot_parse_datetime', table: 'stints', at_ms: 9 },
    };
    const base = { now_ms: 1, silent_after_s: 300, ingest: 'running', sources: [], rejected: [] };
    expect(parseQuality({ ...base, processor: health })?.processor).toEqual(health);
    expect(parseQuality({ ...base, processor: { ...health, last_refusal: { reason: 'x' } } })?.processor).toEqual({ ...health, last_refusal: null });
    expect(parseQuality({ ...base, processor: { ...health, status: 'fine' } })?.processor).toBeNull();
    expect(parseQuality({ ...base, processor: { ...health, refused_rows: '2' } })?.processor).toBeNull();
  });

  it('reads a source without the imported flag (an older server) as not imported', () => {
    const { imported: _, ...old } = src;
    expect(parseQuality({ now_ms: 1, silent_after_s: 300, ingest: 'running', sources: [old, { ...src, source: 'import:/h', imported: true }], rejected: [] })?.sources.map((s) => [s.source, s.imported])).toEqual([
      ['/q', false],
      ['import:/h', true],
    ]);
  });

  it('reads an answer without stale calls (an older server) as none', () => {
    expect(parseQuality({ now_ms: 1, silent_after_s: 300, ingest: 'running', sources: [], rejected: [] })?.stale_calls).toEqual([]);
  });
  it.each([null, { now_ms: 1 }, { now_ms: 1, silent_after_s: 3, ingest: 'x', sources: {}, rejected: [] }])('refuses %j', (v) => {
    expect(parseQuality(v)).toBeNull();
  });
});
