import { describe, expect, it } from 'vitest';
import { parseInstant, parseKpiQuery } from './kpi-query.ts';

describe('parseKpiQuery', () => {
  it('maps every parameter to the processor query', () => {
    expect(
      parseKpiQuery({
        from: '2026-10-01',
        to: '2026-11-01',
        queue: ['101', '102', '101'],
        by: 'interval',
        formula: 'answered_abandoned',
        threshold: '30',
        strict: 'true',
        short_abandon: '5',
        tz: 'America/Bogota',
      }),
    ).toEqual({
      ok: true,
      value: {
        from: '2026-10-01',
        to: '2026-11-01',
        queues: ['101', '102'],
        by: 'interval',
        formula: 'answered_abandoned',
        threshold_s: 30,
        strict: true,
        short_abandon_s: 5,
        tz: 'America/Bogota',
      },
    });
  });

  it.each([
    [{ from: '2026-10-01', to: '2026-10-02' }, { from: '2026-10-01', to: '2026-10-02' }],
    [{ from: '2026-10-01T08:00', to: '2026-10-01T08:15:00.5' }, { from: '2026-10-01T08:00', to: '2026-10-01T08:15:00.5' }],
    [{ from: '2026-10-01T08:00:00Z', to: '2026-10-01T05:00:01-03:00' }, { from: '2026-10-01T08:00:00Z', to: '2026-10-01T05:00:01-03:00' }],
    [{ from: '2026-10-01', to: '2026-10-02', queue: 'ventas' }, { from: '2026-10-01', to: '2026-10-02', queues: ['ventas'] }],
    [{ from: '2026-10-01', to: '2026-10-02', strict: '0', threshold: '0' }, { from: '2026-10-01', to: '2026-10-02', strict: false, threshold_s: 0 }],
    // Mixed frames (zoned vs site-local) cannot be ordered without the tz: left to the query.
    [{ from: '2026-10-02T00:00:00Z', to: '2026-10-01' }, { from: '2026-10-02T00:00:00Z', to: '2026-10-01' }],
  ])('accepts %j', (raw, value) => {
    expect(parseKpiQuery(raw)).toEqual({ ok: true, value });
  });

  const base = { from: '2026-10-01', to: '2026-10-02' };
  it.each([
    [{ to: '2026-10-02' }, 'from', 'is required'],
    [{ from: '2026-10-01' }, 'to', 'is required'],
    [{ ...base, from: '2026-13-01' }, 'from', 'must be YYYY-MM-DD or an ISO datetime'],
    [{ ...base, from: '2026-02-29' }, 'from', 'must be YYYY-MM-DD or an ISO datetime'],
    [{ ...base, to: '2026-10-02T24:00' }, 'to', 'must be YYYY-MM-DD or an ISO datetime'],
    [{ ...base, to: 'yesterday' }, 'to', 'must be YYYY-MM-DD or an ISO datetime'],
    [{ ...base, to: '2026-10-01' }, 'to', 'must be after from'],
    [{ from: '2026-10-01T10:00Z', to: '2026-10-01T06:59-03:00' }, 'to', 'must be after from'],
    [{ ...base, from: ['2026-10-01', '2026-10-02'] }, 'from', 'must be given once'],
    [{ ...base, by: 'week' }, 'by', 'must be one of month, day, hour, interval'],
    [{ ...base, formula: 'sl2' }, 'formula', 'must be one of offered, answered, answered_abandoned, abandon_after_threshold, in_threshold_outcomes'],
    [{ ...base, threshold: '-1' }, 'threshold', 'must be an integer >= 0'],
    [{ ...base, threshold: '20.5' }, 'threshold', 'must be an integer >= 0'],
    [{ ...base, short_abandon: 'x' }, 'short_abandon', 'must be an integer >= 0'],
    [{ ...base, strict: 'yes' }, 'strict', 'must be true, false, 1 or 0'],
    [{ ...base, tz: 'Mars/Olympus' }, 'tz', 'must be an IANA time zone'],
    [{ ...base, queue: '' }, 'queue', 'must be a name of 1 to 128 characters'],
    [{ ...base, threshold_s: '20' }, 'threshold_s', 'unknown parameter'],
  ])('rejects %j naming %s', (raw, param, reason) => {
    expect(parseKpiQuery(raw)).toEqual({ ok: false, param, reason });
  });
});

describe('parseInstant', () => {
  it.each([
    ['2024-02-29', { key: '2024-02-29T00:00:00.000', epochMs: null }],
    ['2026-10-01T08:05', { key: '2026-10-01T08:05:00.000', epochMs: null }],
    ['2026-10-01T08:05:09.12Z', { key: '2026-10-01T08:05:09.120', epochMs: Date.UTC(2026, 9, 1, 8, 5, 9, 120) }],
    ['2026-10-01T08:05:00+05:30', { key: '2026-10-01T08:05:00.000', epochMs: Date.UTC(2026, 9, 1, 2, 35) }],
    ['2026-10-01T08:05:00-04:00', { key: '2026-10-01T08:05:00.000', epochMs: Date.UTC(2026, 9, 1, 12, 5) }],
  ])('%s', (text, instant) => {
    expect(parseInstant(text)).toEqual(instant);
  });

  it.each(['2023-02-29', '2026-00-10', '2026-10-01T08:60', '2026-10-01T08:00:00+15:00', '2026-10-01 08:00', '20261001'])(
    'rejects %s',
    (text) => {
      expect(parseInstant(text)).toBeNull();
    },
  );
});
