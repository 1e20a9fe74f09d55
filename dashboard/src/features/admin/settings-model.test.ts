import { describe, expect, it } from 'vitest';
import {
  buildPatch,
  calendarChanges,
  calendarFormFrom,
  calendarSpecOf,
  currentValues,
  formFromValues,
  ownVersion,
  parseCalendarSpec,
  parseQueueValues,
  parseSettings,
  parseUsers,
  parseWorkingWeekdays,
  toggleWeekday,
  versionChanges,
  type CalendarForm,
  type PatchResult,
  type QueueForm,
  type QueueValues,
  type VersionRow,
} from './settings-model.ts';

const BUILT_IN = {
  formula: 'offered', threshold_s: 20, strict: false, short_abandon_s: 0, count_refused: false, include_out_of_hours: false, target_pct: 80,
  alerts: { sl_below_pct: null, waiting_above: null, longest_wait_above_s: null },
};
const CURRENT = parseQueueValues(BUILT_IN) as QueueValues;
const SHOWN = formFromValues(CURRENT);

describe('the queue form', () => {
  it('starts from the values in force: built-in, then the site defaults, then the queue own newest valid version', () => {
    const versions = [
      { site: 'lpz', queue: '', version: 1, valid_from_ms: 10, patch: { threshold_s: 30, alerts: { waiting_above: 4 } }, created_by: 'ana' },
      { site: 'lpz', queue: '101', version: 1, valid_from_ms: 10, patch: { target_pct: 90 }, created_by: 'ana' },
      { site: 'lpz', queue: '101', version: 2, valid_from_ms: 20, patch: { target_pct: 85.5, strict: true }, created_by: 'ana' },
      { site: 'lpz', queue: '101', version: 3, valid_from_ms: 99, patch: { target_pct: 50 }, created_by: 'ana' },
    ];
    const answer = { defaults: BUILT_IN, versions, calendars: {}, calendar_versions: [], tz: 'UTC' };
    expect(formFromValues(currentValues(answer, 'lpz', '101', 50) as QueueValues)).toEqual({
      formula: 'offered', threshold_s: '30', target_pct: '85.5', strict: 'true', short_abandon_s: '0', sl_below_pct: '', waiting_above: '4', longest_wait_above_s: '',
    });
    expect(currentValues(answer, 'scz', '101', 50)).toEqual(CURRENT);
    expect(ownVersion(versions, 'lpz', '101', 50)?.version).toBe(2);
  });

  it.each<[string, Partial<QueueForm>, PatchResult]>([
    ['nothing changed: an empty patch', {}, { ok: true, patch: {}, changed: 0 }],
    ['definition fields', { formula: 'answered', threshold_s: '30', strict: 'true', target_pct: '85,5' }, { ok: true, patch: { formula: 'answered', strict: true, threshold_s: 30, target_pct: 85.5 }, changed: 4 }],
    ['alert thresholds set', { sl_below_pct: '70', waiting_above: '5' }, { ok: true, patch: { alerts: { sl_below_pct: 70, waiting_above: 5 } }, changed: 2 }],
    ['an emptied definition field keeps its value', { threshold_s: ' ' }, { ok: true, patch: {}, changed: 0 }],
    ['a fractional threshold', { threshold_s: '20.5' }, { ok: false, field: 'threshold_s' }],
    ['a negative short abandon', { short_abandon_s: '-3' }, { ok: false, field: 'short_abandon_s' }],
    ['a target over 100', { target_pct: '101' }, { ok: false, field: 'target_pct' }],
    ['a word', { waiting_above: 'many' }, { ok: false, field: 'waiting_above' }],
  ])('%s', (_name, over, out) => {
    expect(buildPatch({ ...SHOWN, ...over }, CURRENT)).toEqual(out);
  });

  it('keeps what the queue own version set, and an emptied alert turns it off', () => {
    const current = { ...CURRENT, target_pct: 90, alerts: { ...CURRENT.alerts, waiting_above: 5 } };
    const own = { target_pct: 90, alerts: { waiting_above: 5 } };
    expect(buildPatch({ ...formFromValues(current), threshold_s: '25', waiting_above: '' }, current, own)).toEqual({
      ok: true, patch: { target_pct: 90, threshold_s: 25, alerts: { waiting_above: null } }, changed: 2,
    });
  });

  it('names what each version changed (fields kept unchanged are left out) against the previous version of the same queue', () => {
    const versions = [
      { site: 'lpz', queue: '101', version: 1, valid_from_ms: 10, patch: { threshold_s: 20, alerts: { waiting_above: 4 } }, created_by: 'ana' },
      { site: 'lpz', queue: '102', version: 1, valid_from_ms: 10, patch: { threshold_s: 99 }, created_by: 'ana' },
      { site: 'lpz', queue: '101', version: 2, valid_from_ms: 20, patch: { target_pct: 85, threshold_s: 30, alerts: { waiting_above: 4 } }, created_by: 'ana' },
    ];
    expect(versionChanges(versions, versions[2] as VersionRow)).toEqual([
      { field: 'threshold_s', value: 30, before: 20 },
      { field: 'target_pct', value: 85 },
    ]);
    expect(versionChanges(versions, versions[0] as VersionRow)).toEqual([{ field: 'threshold_s', value: 20 }, { field: 'waiting_above', value: 4 }]);
  });
});

describe('the calendar editor', () => {
  const OFFICE = {
    tz: 'America/La_Paz',
    weekly: [[{ from: '08:00', to: '12:00' }, { from: '14:00', to: '18:00' }], [], [], [], [], [{ from: '09:00', to: '13:00' }], []],
    holidays: ['2026-12-25'],
  };

  it('shows a stored calendar, or open 24 h every day when none is stored', () => {
    expect(calendarFormFrom(null, 'UTC')).toEqual({ tz: 'UTC', weekly: Array.from({ length: 7 }, () => [{ from: '00:00', to: '24:00' }]), holidays: [] });
    expect(calendarFormFrom(parseCalendarSpec(OFFICE), 'UTC')).toEqual(OFFICE);
  });

  it.each<[string, Partial<CalendarForm>, ReturnType<typeof calendarSpecOf>]>([
    ['a good one, ranges sorted and times padded', { weekly: [[{ from: '14:00', to: '18:00' }, { from: '8:00', to: '12:00' }], [], [], [], [], [{ from: '09:00', to: '13:00' }], []] }, { ok: true, spec: OFFICE }],
    ['a time out of the day', { weekly: [[], [], [{ from: '08:00', to: '25:00' }], [], [], [], []] }, { ok: false, problem: { reason: 'bad_time', day: 2, value: '25:00' } }],
    ['a range ending before it starts', { weekly: [[], [{ from: '10:00', to: '09:00' }], [], [], [], [], []] }, { ok: false, problem: { reason: 'empty_range', day: 1, value: '10:00–09:00' } }],
    ['overlapping ranges', { weekly: [[{ from: '08:00', to: '12:00' }, { from: '11:00', to: '13:00' }], [], [], [], [], [], []] }, { ok: false, problem: { reason: 'overlap', day: 0, value: '11:00–13:00' } }],
    ['no time zone', { tz: ' ' }, { ok: false, problem: { reason: 'bad_tz' } }],
  ])('%s', (_name, over, out) => {
    expect(calendarSpecOf({ ...OFFICE, ...over })).toEqual(out);
  });

  it('names what each calendar version changed', () => {
    const v1 = { site: 'lpz', version: 1, valid_from_ms: 1, spec: OFFICE, created_by: 'ana' };
    const v2 = { site: 'lpz', version: 2, valid_from_ms: 2, spec: { ...OFFICE, weekly: OFFICE.weekly.map((d, i) => (i === 6 ? [{ from: '10:00', to: '12:00' }] : d)), holidays: ['2027-01-01'] }, created_by: 'ana' };
    expect(calendarChanges([v1, v2], v2)).toEqual([
      { kind: 'day', day: 6, ranges: [{ from: '10:00', to: '12:00' }] },
      { kind: 'holiday_added', date: '2027-01-01' },
      { kind: 'holiday_removed', date: '2026-12-25' },
    ]);
    expect(calendarChanges([v1, v2], v1)).toHaveLength(1 + 7 + 1);
  });
});

describe('parsers', () => {
  it('keep well-formed users and settings', () => {
    const u = { username: 'ana', role: 'admin', lang: 'es', disabled: false, updated_at_ms: 1 };
    expect(parseUsers([u, { username: 'x' }])).toEqual([u]);
    const v = { site: 'lpz', queue: '', version: 1, valid_from_ms: 2, patch: {}, created_by: 'ana' };
    const c = { site: 'lpz', version: 1, valid_from_ms: 2, spec: { tz: 'UTC', holidays: ['2026-12-25'] }, created_by: 'ana' };
    expect(parseSettings({ defaults: { a: 1 }, versions: [v, { site: 1 }], calendars: {}, calendar_versions: [c, { site: 'x' }], tz: 'UTC' })).toEqual({
      defaults: { a: 1 }, versions: [v], calendars: {}, calendar_versions: [c], tz: 'UTC',
    });
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
