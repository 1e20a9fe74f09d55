import { describe, expect, it } from 'vitest';
import { EMPTY_QUEUE_FORM, buildPatch, parseSettings, parseUsers, parseWorkingWeekdays, toggleWeekday, type PatchResult, type QueueForm } from './settings-model.ts';

describe('buildPatch', () => {
  it.each<[string, Partial<QueueForm>, PatchResult]>([
    ['nothing filled in: an empty patch', {}, { ok: true, patch: {} }],
    ['definition fields', { formula: 'answered', threshold_s: '30', strict: 'true', target_pct: '85,5' }, { ok: true, patch: { formula: 'answered', strict: true, threshold_s: 30, target_pct: 85.5 } }],
    ['alert thresholds, one turned off', { sl_below_pct: '70', waiting_above: '5', longest_wait_above_s: '-' }, { ok: true, patch: { alerts: { sl_below_pct: 70, waiting_above: 5, longest_wait_above_s: null } } }],
    ['a fractional threshold', { threshold_s: '20.5' }, { ok: false, field: 'threshold_s' }],
    ['a negative short abandon', { short_abandon_s: '-3' }, { ok: false, field: 'short_abandon_s' }],
    ['a target over 100', { target_pct: '101' }, { ok: false, field: 'target_pct' }],
    ['a word', { waiting_above: 'many' }, { ok: false, field: 'waiting_above' }],
  ])('%s', (_name, over, out) => {
    expect(buildPatch({ ...EMPTY_QUEUE_FORM, ...over })).toEqual(out);
  });
});

describe('parsers', () => {
  it('keep well-formed users and settings', () => {
    const u = { username: 'ana', role: 'admin', lang: 'es', disabled: false, updated_at_ms: 1 };
    expect(parseUsers([u, { username: 'x' }])).toEqual([u]);
    const v = { site: 'lpz', queue: '', version: 1, valid_from_ms: 2, patch: {}, created_by: 'ana' };
    expect(parseSettings({ defaults: { a: 1 }, versions: [v, { site: 1 }], calendars: {}, tz: 'UTC' })).toEqual({ defaults: { a: 1 }, versions: [v], calendars: {}, tz: 'UTC' });
    expect(parseSettings({ versions: [] })).toBeNull();
  });
});

describe('legal working weekdays (escalation settings)', () => {
  it('reads the list of an answer in week order; a malformed one is null', () => {
    expect(parseWorkingWeekdays({ terms: {}, working_weekdays: ['sat', 'mon'], tz: 'UTC' })).toEqual(['mon', 'sat']);
    expect(parseWorkingWeekdays({ working_weekdays: ['mon', 'lun'] })).toBeNull();
    expect(parseWorkingWeekdays({ terms: {} })).toBeNull();
    expect(parseWorkingWeekdays(null)).toBeNull();
  });

  it('adds or removes a day, keeping week order', () => {
    const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;
    expect(toggleWeekday(weekdays, 'sat')).toEqual(['mon', 'tue', 'wed', 'thu', 'fri', 'sat']);
    expect(toggleWeekday(['sat', 'mon'], 'sun')).toEqual(['mon', 'sat', 'sun']);
    expect(toggleWeekday(weekdays, 'wed')).toEqual(['mon', 'tue', 'thu', 'fri']);
  });
});
