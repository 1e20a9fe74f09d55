import { describe, expect, it } from 'vitest';
import { DEFAULT_TYPIFICATION, fcrRows, parseTypificationSettings } from './typification.ts';

describe('parseTypificationSettings', () => {
  it('defaults what is left out; result values are compared without case', () => {
    expect(parseTypificationSettings({})).toEqual({ ok: true, value: DEFAULT_TYPIFICATION });
    expect(parseTypificationSettings({ verb: 'TIPIF', category_field: 2, result_field: 3, resolved: ['OK'], escalated: ['Area'], repeat_window_days: 30 })).toEqual({
      ok: true, value: { verb: 'TIPIF', category_field: 2, result_field: 3, resolved: ['ok'], escalated: ['area'], repeat_window_days: 30 },
    });
  });

  it.each([
    [[], ['must be an object']],
    [{ verb: 'tipi ficacion' }, ['verb: letters, digits and _']],
    [{ category_field: 0, result_field: 2.5 }, ['category_field: a data field number from 1 to 20', 'result_field: a data field number from 1 to 20']],
    [{ resolved: 'resuelto' }, ['resolved: a list of result values']],
    [{ resolved: ['ok'], escalated: ['OK'] }, ['resolved and escalated share a value']],
    [{ repeat_window_days: 0 }, ['repeat_window_days: whole days from 1 to 90']],
    [{ window: 7 }, ['window: unknown setting']],
  ])('%j is refused: %j', (input, errors) => {
    expect(parseTypificationSettings(input)).toEqual({ ok: false, errors });
  });
});

describe('fcrRows', () => {
  const def = { site: 's', tz: 'UTC', verb: 'tipificacion', category_field: 1, result_field: 2, resolved: ['resuelto'], escalated: ['escalado'], repeat_window_days: 7 };
  it('adds the categories of a queue and period, and rounds the ratios half up', () => {
    const sum = { queue: 'q1', k: 20261102, answered: 0, typified: 0, declared_resolved: 0, declared_escalated: 0, eligible: 0, repeat_calls: 0, with_ticket: 0, newest_s: 100 };
    const rows = fcrRows([
      { ...sum, category: '', answered: 1, eligible: 1, repeat_calls: 1 },
      { ...sum, category: 'reclamo', answered: 1, typified: 1, declared_escalated: 1, eligible: 1, with_ticket: 1 },
      { ...sum, category: 'consulta', answered: 1, typified: 1, declared_resolved: 1, eligible: 1, newest_s: 200 },
    ], { by: 'day', nowS: 200 + 7 * 86_400, definition: def });
    expect(rows).toEqual([{
      queue: 'q1', period: '2026-11-02', answered: 3, typified: 2, by_category: [{ category: 'consulta', calls: 1 }, { category: 'reclamo', calls: 1 }],
      declared_resolved: 1, declared_escalated: 1, declared_fcr_pct: 50, eligible: 3, repeat_calls: 1, with_ticket: 1, measured_resolved: 1,
      measured_fcr_pct: 33.33, repeat_rate_pct: 33.33, definition: { ...def, window_complete: true },
    }]);
    expect(fcrRows([{ ...sum, category: '' }], { by: 'day', nowS: 100, definition: def })[0]?.declared_fcr_pct).toBeNull();
  });
});
