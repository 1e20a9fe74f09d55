// Zero rows of the funnel (docs/interfaces.md "GET /api/funnel"): a configured service with no
// calls still has its rows, so the funnel page, the Reports page and the wallboard tile show it
// with zeros instead of leaving it out. Pure: the services, the first period and the definitions
// come in.
import type { FunnelDefinition, FunnelRow, KpiGrouping } from '../contract.ts';
import { emptyFunnelRow, type FunnelService } from './funnel.ts';

/** The period (as the rows write it) that holds the instant `epochS` in `tz`. */
export function periodAt(epochS: number, tz: string, by: KpiGrouping): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(epochS * 1000));
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '00';
  const month = `${get('year')}-${get('month')}`;
  if (by === 'month') return month;
  const day = `${month}-${get('day')}`;
  if (by === 'day') return day;
  const hour = `${day}T${get('hour')}`;
  if (by === 'hour') return hour;
  return `${hour}:${String(Math.floor(Number(get('minute')) / 15) * 15).padStart(2, '0')}`;
}

/**
 * `rows` (sorted by service order, then period) with the rows of services that had no calls:
 * every service of `services` gets a row in every period that has a row of any service; when no
 * service has a row, each gets one for `firstPeriod` (the period the range starts in). Periods in
 * which no service had calls stay out, as for the KPI rows. The result keeps the configured service
 * order, then period order.
 */
export function withZeroRows(rows: readonly FunnelRow[], o: { services: readonly FunnelService[]; firstPeriod: string; definition: (svc: FunnelService) => FunnelDefinition }): FunnelRow[] {
  const periods = [...new Set(rows.map((r) => r.period))].sort();
  if (periods.length === 0) periods.push(o.firstPeriod);
  const have = new Map(rows.map((r) => [`${r.service}\0${r.period}`, r]));
  const out: FunnelRow[] = [];
  for (const svc of o.services) {
    for (const period of periods) out.push(have.get(`${svc.service}\0${period}`) ?? emptyFunnelRow(svc.service, period, o.definition(svc)));
  }
  return out;
}
