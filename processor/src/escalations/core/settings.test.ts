// Escalation settings: validation of untrusted patches (dashboard edits, stored JSON) and how the
// legal working weekdays reach the aging through the per-site model.
import { describe, expect, it } from 'vitest';
import { isoDate } from '../holidays/easter.ts';
import { dueDate } from './business-days.ts';
import { createEscalationModel } from './model.ts';
import { checkEscalationSettings, defaultEscalationSettings, mergeEscalationSettings } from './settings.ts';

describe('checkEscalationSettings', () => {
  it.each([
    ['Monday to Saturday', { working_weekdays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'] }, ['mon', 'tue', 'wed', 'thu', 'fri', 'sat']],
    ['any order, stored in week order', { working_weekdays: ['sat', 'fri', 'mon'] }, ['mon', 'fri', 'sat']],
    ['a single day', { working_weekdays: ['sun'] }, ['sun']],
  ])('accepts %s', (_name, input, stored) => {
    expect(checkEscalationSettings(input)).toEqual({ ok: true, value: { working_weekdays: stored } });
  });

  it.each([
    ['an empty list (no term could ever end)', { working_weekdays: [] }, 'bad_field:working_weekdays'],
    ['a day twice', { working_weekdays: ['mon', 'mon'] }, 'bad_field:working_weekdays'],
    ['a Spanish or capitalised name', { working_weekdays: ['lun'] }, 'bad_field:working_weekdays'],
    ['an ISO number', { working_weekdays: [1, 2] }, 'bad_field:working_weekdays'],
    ['not a list', { working_weekdays: 'mon-fri' }, 'bad_field:working_weekdays'],
    ['a misspelt field', { working_days: ['mon'] }, 'unknown_field:working_days'],
  ])('rejects %s', (_name, input, reason) => {
    expect(checkEscalationSettings(input)).toEqual({ ok: false, reason });
  });
});

describe('working weekdays in the site model', () => {
  it('default Monday to Friday; a patch replaces the whole list', () => {
    expect(defaultEscalationSettings().working_weekdays).toEqual(['mon', 'tue', 'wed', 'thu', 'fri']);
    expect(mergeEscalationSettings(defaultEscalationSettings(), { working_weekdays: ['sat'] }).working_weekdays).toEqual(['sat']);
  });

  it('a site open on Saturday counts Saturdays only when its settings name Saturday', () => {
    const open = [{ from: '07:00', to: '19:00' }];
    const spec = { tz: 'America/Bogota', weekly: [open, open, open, open, open, [{ from: '08:00', to: '13:00' }], []] };
    const model = createEscalationModel({
      tz: 'UTC',
      calendars: { bog: spec, bog6: spec },
      settings: { bog6: { working_weekdays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'] } },
    });
    // Filed Saturday 10 October 2026 at 09:00 (center open); Monday 12 is a Colombian holiday (country `auto`
    // from America/Bogota), so by default it is received Tuesday 13; with Saturday it is received that day.
    const filed = Date.parse('2026-10-10T09:00:00-05:00') / 1000;
    const days = (site: string): string[] => {
      const d = dueDate(model.calendar(site), filed, 1);
      return [isoDate(d.receipt_day), isoDate(d.due_day)];
    };
    expect(days('bog')).toEqual(['2026-10-13', '2026-10-14']);
    expect(days('bog6')).toEqual(['2026-10-10', '2026-10-13']);
  });
});
