import { describe, expect, it } from 'vitest';
import type { ContactKpiRow } from '@tablero/processor/contract';
import { channelTiles, reportQuery, thresholdSeconds, thresholdUnit } from './contacts-model.ts';

const row = (channel: string, received: number): ContactKpiRow => ({ channel, period: '2026-12-07', received, answered: 1, waiting: 2, within_pct: 50 }) as ContactKpiRow;

describe('contacts model', () => {
  it('tiles in the channels order', () => {
    expect(channelTiles([row('social', 1), row('chat', 5), row('email', 3)]).map((t) => [t.channel, t.received, t.waiting])).toEqual([['chat', 5, 2], ['email', 3, 2], ['social', 1, 2]]);
  });
  it('asks the range of the Reports form', () => {
    expect(reportQuery({ from: '2026-12-01', to: '2026-12-31', by: 'month', site: '' })).toEqual({ from: '2026-12-01', to: '2027-01-01', by: 'month' });
    expect(reportQuery({ from: '2026-12-01', to: '2026-12-01', by: 'interval', site: 'bog' })).toEqual({ from: '2026-12-01', to: '2026-12-02', by: 'hour', site: 'bog' });
  });
  it.each([[86_400, 24, 'h'], [90, 90, 's'], [120, 2, 'min'], [30, 30, 's']] as const)('%i s is written %i %s', (s, value, unit) => {
    expect(thresholdUnit(s)).toEqual({ value, unit });
  });
  it.each([['24', 'h', 86_400], ['30', 's', 30], ['0', 's', null], ['1441', 'h', null], ['2.5', 'h', null], ['', 'min', null]] as const)('%s %s -> %s', (text, unit, s) => {
    expect(thresholdSeconds(text, unit, 60 * 86_400)).toBe(s);
  });
});
