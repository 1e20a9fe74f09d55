import { describe, expect, it } from 'vitest';
import { heardProcessorHealth, processorHealthOf, qualityBySource, sourceStatuses } from './quality.ts';

describe('sourceStatuses', () => {
  it('keeps well-formed entries and drops the rest', () => {
    expect(
      sourceStatuses({
        sources: [
          { source: 'a', site: 's', kind: 'queue_log', accepted: 3, rejected: 1, last_line_at_ms: 5000, last_event_ts: 4 },
          { source: 'b' },
          'junk',
          { source: 'c', site: 's', accepted: 'x', last_line_at_ms: null },
        ],
      }),
    ).toEqual([
      { source: 'a', site: 's', kind: 'queue_log', accepted: 3, rejected: 1, last_line_at_ms: 5000, last_event_ts: 4 },
      { source: 'c', site: 's', kind: '', accepted: 0, rejected: 0, last_line_at_ms: null, last_event_ts: null },
    ]);
    expect(sourceStatuses({})).toEqual([]);
  });
});

describe('qualityBySource', () => {
  const base = { nowMs: 1_000_000, silentAfterS: 300, accepted: [], rejected: [] };
  it.each([
    ['fresh live line: skew from the read time', { last_line_at_ms: 999_000, last_event_ts: 1000 }, { silent_for_s: 1, silent: false, clock_skew_s: -1 }],
    ['PBX clock 90 s behind', { last_line_at_ms: 990_000, last_event_ts: 900 }, { silent_for_s: 10, silent: false, clock_skew_s: 90 }],
    ['silent for 301 s', { last_line_at_ms: 699_000, last_event_ts: 699 }, { silent_for_s: 301, silent: true, clock_skew_s: 0 }],
    ['never a line', { last_line_at_ms: null, last_event_ts: null }, { silent_for_s: null, silent: true, clock_skew_s: null }],
  ])('%s', (_name, live, out) => {
    const [row] = qualityBySource({ ...base, live: [{ source: 'q', site: 's', kind: 'queue_log', accepted: 1, rejected: 0, ...live }] });
    expect({ silent_for_s: row?.silent_for_s, silent: row?.silent, clock_skew_s: row?.clock_skew_s }).toEqual(out);
  });

  it('never calls a finished import silent, however old its lines; a stored live source that stopped is', () => {
    const rows = qualityBySource({
      ...base,
      live: [],
      accepted: [
        { site: 's', source: 'import:/var/log/asterisk/queue_log.1', lines: 45_934, last_event_s: 10 },
        { site: 's', source: 'push:pbx1', lines: 12, last_event_s: 500 },
      ],
    });
    expect(rows.map((r) => [r.source, r.imported, r.silent, r.silent_for_s, r.stored_accepted])).toEqual([
      ['import:/var/log/asterisk/queue_log.1', true, false, 990, 45_934],
      ['push:pbx1', false, true, 500, 12],
    ]);
  });

  it('never calls a contacts source silent; a contacts CSV import is a finished import', () => {
    const rows = qualityBySource({
      ...base,
      live: [],
      accepted: [
        { site: 's', source: 'contacts:import:crm', kind: 'contacts', lines: 4, last_event_s: 10 },
        { site: 's', source: 'contacts:push:chat1', kind: 'contacts', lines: 9, last_event_s: 10 },
      ],
      rejected: [{ site: 's', source: 'contacts:push:chat1', lines: 2 }],
    });
    expect(rows.map((r) => [r.source, r.kind, r.imported, r.silent, r.stored_accepted, r.stored_rejected])).toEqual([
      ['contacts:import:crm', 'contacts', true, false, 4, 0],
      ['contacts:push:chat1', 'contacts', false, false, 9, 2],
    ]);
  });

  it('names a finished import by what it stored: queue_log lines or CDR rows', () => {
    const rows = qualityBySource({
      ...base,
      live: [],
      accepted: [
        { site: 's', source: 'import:/var/log/asterisk/cdr-csv/Master.csv', kind: 'cdr', lines: 512, last_event_s: 10 },
        { site: 's', source: 'import:/var/log/asterisk/queue_log', kind: 'queue_log', lines: 7, last_event_s: 10 },
      ],
    });
    expect(rows.map((r) => [r.source, r.kind, r.imported, r.silent, r.stored_accepted])).toEqual([
      ['import:/var/log/asterisk/cdr-csv/Master.csv', 'cdr', true, false, 512],
      ['import:/var/log/asterisk/queue_log', 'queue_log', true, false, 7],
    ]);
  });

  it('gives no clock skew for a CDR source: its rows carry the call start, not the write time', () => {
    const [row] = qualityBySource({
      ...base,
      live: [{ source: 'm', site: 's', kind: 'cdr', accepted: 1, rejected: 0, last_line_at_ms: 999_000, last_event_ts: 924 }],
    });
    expect({ silent_for_s: row?.silent_for_s, clock_skew_s: row?.clock_skew_s }).toEqual({ silent_for_s: 1, clock_skew_s: null });
  });
});

describe('processor health', () => {
  const ok = { status: 'ok' as const, reason: null, stalled_s: null, stored_commits: 4, split_inserts: 1, refused_rows: 0, last_refusal: null };
  it('is read from the health facts of this process, or null', () => {
    expect(processorHealthOf({ processor: ok })).toEqual(ok);
    expect(processorHealthOf({ processor: { ...ok, status: 'maybe' } })).toBeNull();
    expect(processorHealthOf({})).toBeNull();
  });
  it.each<[string, number, unknown]>([
    ['heard 9.999 s ago: as published', 9_999, ok],
    ['silent 10 s: degraded with the reason', 10_000, { ...ok, status: 'degraded', reason: 'no word from the processor for 10 s' }],
    ['silent 75 s', 75_400, { ...ok, status: 'degraded', reason: 'no word from the processor for 75 s' }],
  ])('from the bus, %s', (_what, silentMs, expected) => {
    expect(heardProcessorHealth({ health: ok, atMs: 1_000 }, 1_000 + silentMs)).toEqual(expected);
  });
  it('from the bus, never heard: null', () => {
    expect(heardProcessorHealth(null, 5)).toBeNull();
  });
});
