// The escalation read/write API the composition root hands the dashboard server (which declares
// the matching port in dashboard/server/routes/escalations.ts). Every call ages tickets at the
// injected clock, so a test or a demo can run on a fixed or shifted time.
import type { ClickHouse } from '@tablero/sql';
import type { EscalationMonthly, EscalationTicket, EscalationsSnapshot } from '../contract.ts';
import { checkEscalationSettings, type EscalationSettings } from './core/settings.ts';
import { HOLIDAY_COUNTRIES, nationalHolidays, type HolidayCountry } from './holidays/bundled.ts';
import type { Holiday } from './holidays/colombia.ts';
import { queryEscalationMonthly, queryEscalationSettings, queryEscalationSnapshot, queryEscalationTicket, queryEscalationsByCall, type EscalationQueryOptions, type TicketDetail } from './queries.ts';
import { saveEscalationSettings, ticketSites } from './store/ticket-store.ts';

export interface EscalationsApi {
  defaultSite: string;
  sites(): Promise<string[]>;
  snapshot(site: string): Promise<EscalationsSnapshot>;
  ticket(site: string, ticketId: string): Promise<TicketDetail | null>;
  byCall(callSite: string, callId: string): Promise<EscalationTicket[]>;
  monthly(site: string, month: string): Promise<EscalationMonthly>;
  settings(site: string): Promise<EscalationSettings & { tz: string }>;
  /** Stores a new settings version valid at once; a bad patch is answered with its reason. */
  saveSettings(site: string, patch: unknown, by: string): Promise<{ ok: true; version: number } | { ok: false; reason: string }>;
  /** National holidays of a country and year (bundled list or rules), for admins filling a site calendar; null for an unknown country. */
  holidays(country: string, year: number): Holiday[] | null;
}

export function createEscalationsApi(ch: ClickHouse, opts: EscalationQueryOptions & { defaultSite: string; now?: () => number }): EscalationsApi {
  const now = opts.now ?? Date.now;
  const q: EscalationQueryOptions = opts.calendars === undefined ? { tz: opts.tz } : { tz: opts.tz, calendars: opts.calendars };
  return {
    defaultSite: opts.defaultSite,
    async sites() {
      const stored = await ticketSites(ch);
      return stored.includes(opts.defaultSite) ? stored : [opts.defaultSite, ...stored].sort();
    },
    snapshot: (site) => queryEscalationSnapshot(ch, q, site, now()),
    ticket: (site, id) => queryEscalationTicket(ch, q, site, id, now()),
    byCall: (site, callId) => queryEscalationsByCall(ch, q, site, callId, now()),
    monthly: (site, month) => queryEscalationMonthly(ch, q, site, month, now()),
    settings: (site) => queryEscalationSettings(ch, q, site, now()),
    async saveSettings(site, patch, by) {
      const checked = checkEscalationSettings(patch);
      if (!checked.ok) return { ok: false, reason: checked.reason };
      const t = now();
      return { ok: true, version: await saveEscalationSettings(ch, { site, patch: checked.value, validFromMs: t, createdBy: by, nowMs: t }) };
    },
    holidays: (country, year) => ((HOLIDAY_COUNTRIES as readonly string[]).includes(country) ? nationalHolidays(country as HolidayCountry, year) : null),
  };
}
