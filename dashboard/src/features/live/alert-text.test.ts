import { describe, expect, it } from 'vitest';
import type { AlertMessage } from '@tablero/processor/contract';
import { alertText } from './alert-text.ts';

const base: AlertMessage = {
  type: 'alert', state: 'raised', alert_id: 'x', site: 'lpz', queue: '101', metric: 'sl_pct', threshold: 70,
  raised_value: 62.5, cleared_value: null, peak_value: 62.5, raised_at_ms: 1, cleared_at_ms: null,
};

describe('alertText', () => {
  it.each<[AlertMessage, 'es-BO' | 'en', string]>([
    [base, 'es-BO', 'Cola 101: nivel de servicio 62,5% (umbral 70,0%)'],
    [base, 'en', 'Queue 101: service level 62.5% (threshold 70.0%)'],
    [{ ...base, metric: 'waiting_now', threshold: 3, raised_value: 5 }, 'es-BO', 'Cola 101: en espera 5 (umbral 3)'],
    [{ ...base, metric: 'longest_current_wait_s', threshold: 60, raised_value: 75 }, 'en', 'Queue 101: longest wait 1:15 (threshold 1:00)'],
    [{ ...base, state: 'cleared', metric: 'waiting_now', threshold: 3, cleared_value: 1 }, 'en', 'Queue 101: waiting 1 (threshold 3)'],
  ])('%j in %s', (a, locale, text) => {
    expect(alertText(locale, a).replace(/\u00a0|\u202f/g, ' ')).toBe(text);
  });
});

describe('alertText with the figure now (wallboard banner)', () => {
  it('shows the current value, not the one the alert was raised with', () => {
    const a: AlertMessage = { ...base, metric: 'waiting_now', threshold: 1, raised_value: 2 };
    expect(alertText('es-BO', a, 3)).toBe('Cola 101: en espera 3 (umbral 1)');
    expect(alertText('es-BO', a)).toBe('Cola 101: en espera 2 (umbral 1)');
  });
});
