import { describe, expect, it } from 'vitest';
import type { FunnelDefinition, FunnelRow } from '../contract.ts';
import { periodAt, withZeroRows } from './funnel-zero-rows.ts';
import { emptyFunnelRow, type FunnelService } from './funnel.ts';

const svc = (service: string): FunnelService => ({ service, contexts: ['from-pstn'], dids: [], agent_options: [] }) as unknown as FunnelService;
const SERVICES = [svc('101'), svc('102'), svc('103')];
const def = (service: string): FunnelDefinition => ({ service }) as unknown as FunnelDefinition;
const row = (service: string, period: string, ingresadas: number): FunnelRow => ({ ...emptyFunnelRow(service, period, def(service)), ingresadas, asked_agent: ingresadas, by_option: [{ option: '', calls: ingresadas }] });
const brief = (rows: FunnelRow[]): unknown[] => rows.map((r) => [r.service, r.period, r.ingresadas, r.by_option.length, (r.definition as unknown as { service: string }).service]);

describe('funnel zero rows', () => {
  it('a service without calls gets zero rows in every period that has rows, in the configured order', () => {
    const rows = [row('101', '2026-11-09', 4), row('101', '2026-11-10', 2), row('103', '2026-11-10', 1)];
    expect(brief(withZeroRows(rows, { services: SERVICES, firstPeriod: '2026-11-09', definition: (s) => def(s.service) }))).toEqual([
      ['101', '2026-11-09', 4, 1, '101'],
      ['101', '2026-11-10', 2, 1, '101'],
      ['102', '2026-11-09', 0, 0, '102'],
      ['102', '2026-11-10', 0, 0, '102'],
      ['103', '2026-11-09', 0, 0, '103'],
      ['103', '2026-11-10', 1, 1, '103'],
    ]);
  });

  it('no calls at all: one zero row per service for the period the range starts in', () => {
    expect(brief(withZeroRows([], { services: SERVICES.slice(0, 2), firstPeriod: '2026-11-09', definition: (s) => def(s.service) }))).toEqual([
      ['101', '2026-11-09', 0, 0, '101'],
      ['102', '2026-11-09', 0, 0, '102'],
    ]);
    const z = emptyFunnelRow('101', '2026-11-09', def('101'));
    expect([z.ivr_only, z.asked_agent, z.lost_before_queue, z.refused, z.offered, z.answered, z.answered_within, z.abandoned, z.other_exit]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('the first period in the zone of the query, for each grouping', () => {
    // 2026-11-09 04:50 UTC is 2026-11-08 23:50 in Bogota (UTC-5).
    const t = Date.UTC(2026, 10, 9, 4, 50) / 1000;
    expect((['month', 'day', 'hour', 'interval'] as const).map((by) => periodAt(t, 'America/Bogota', by))).toEqual(['2026-11', '2026-11-08', '2026-11-08T23', '2026-11-08T23:45']);
    expect(periodAt(t, 'UTC', 'interval')).toBe('2026-11-09T04:45');
    expect(periodAt(Date.UTC(2026, 10, 9, 0, 0) / 1000, 'UTC', 'hour')).toBe('2026-11-09T00');
  });
});
