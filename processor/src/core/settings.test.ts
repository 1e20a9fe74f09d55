import { describe, expect, it } from 'vitest';
import { checkQueueSettingsPatch, defaultProcessorSettings, queueSettings } from './settings.ts';

describe('settings', () => {
  it('site defaults (offered, 20 s, inclusive, no short abandons, target 80) with per-queue overrides', () => {
    const s = defaultProcessorSettings();
    s.sites['lp'] = { defaults: { ...s.defaultSite.defaults, threshold_s: 30 }, queues: { '101': { formula: 'answered', alerts: { waiting_above: 5 } } } };
    expect(queueSettings(s, 'other', '101')).toEqual({
      formula: 'offered', threshold_s: 20, strict: false, short_abandon_s: 0, count_refused: false, include_out_of_hours: false, target_pct: 80,
      alerts: { sl_below_pct: null, waiting_above: null, longest_wait_above_s: null },
    });
    expect(queueSettings(s, 'lp', '101')).toMatchObject({ formula: 'answered', threshold_s: 30, alerts: { waiting_above: 5, sl_below_pct: null } });
    expect(queueSettings(s, 'lp', '102')).toMatchObject({ formula: 'offered', threshold_s: 30, alerts: { waiting_above: null } });
  });

  it.each<[unknown, string]>([
    [null, 'not_an_object'],
    [{ formula: 'nope' }, 'bad_field:formula'],
    [{ threshold_s: -1 }, 'bad_field:threshold_s'],
    [{ threshold_s: 1.5 }, 'bad_field:threshold_s'],
    [{ strict: 'yes' }, 'bad_field:strict'],
    [{ target_pct: 101 }, 'bad_field:target_pct'],
    [{ alerts: { waiting_above: -2 } }, 'bad_field:alerts.waiting_above'],
    [{ alerts: { other: 1 } }, 'unknown_field:alerts.other'],
    [{ colour: 'red' }, 'unknown_field:colour'],
  ])('rejects %j with %s', (input, reason) => {
    expect(checkQueueSettingsPatch(input)).toEqual({ ok: false, reason });
  });

  it('accepts a valid patch as is', () => {
    const patch = { formula: 'in_threshold_outcomes', threshold_s: 30, strict: true, short_abandon_s: 5, count_refused: true, include_out_of_hours: true, target_pct: 90, alerts: { sl_below_pct: 70, longest_wait_above_s: null } };
    expect(checkQueueSettingsPatch(patch)).toEqual({ ok: true, value: patch });
  });
});
