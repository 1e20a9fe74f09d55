// Everything the aging needs per site (business calendar, terms) and the functions that turn a
// site's stored ticket events into the live snapshot, a ticket's view and the monthly indicators.
// Pure: events, settings, calendars and the instant all come in as data.
import type { TicketEvent } from '@tablero/ingest/contract';
import { localToEpoch, type SiteCalendarSpec } from '../../core/calendar.ts';
import type { EscalationLegalCalendar, EscalationMonthly, EscalationTicket, EscalationsSnapshot } from '../../contract.ts';
import { nationalHolidays } from '../holidays/bundled.ts';
import { isoDate } from '../holidays/easter.ts';
import { createBusinessCalendar, type BusinessCalendar } from './business-days.ts';
import { defaultEscalationSettings, holidayCountry, mergeEscalationSettings, type EscalationSettings, type EscalationSettingsPatch } from './settings.ts';
import { ageTicket, foldTicket, type TicketState } from './tickets.ts';
import { buildMonthly, buildSnapshot } from './views.ts';

// National holiday lists are generated for these years (bundled lists for 2026-2027, rules otherwise).
const HOLIDAY_YEARS: readonly number[] = Array.from({ length: 26 }, (_, i) => 2015 + i);

export interface EscalationModelInput {
  /** Default site time zone. */
  tz: string;
  /** Site calendars (kpi-definitions §6); a site without one uses the default in `tz`. */
  calendars: Record<string, SiteCalendarSpec>;
  settings: Record<string, EscalationSettingsPatch>;
}

export interface EscalationModel {
  readonly input: EscalationModelInput;
  settings(site: string): EscalationSettings;
  calendar(site: string): BusinessCalendar;
  /** The legal calendar of a site as the exports state it, with the holidays in [from, to] (`YYYY-MM-DD`). */
  legalCalendar(site: string, from: string, to: string): EscalationLegalCalendar;
  tz(site: string): string;
}

export function createEscalationModel(input: EscalationModelInput): EscalationModel {
  const cals = new Map<string, BusinessCalendar>();
  const settings = (site: string): EscalationSettings => mergeEscalationSettings(defaultEscalationSettings(), input.settings[site] ?? {});
  const spec = (site: string): SiteCalendarSpec => input.calendars[site] ?? { tz: input.tz };
  return {
    input,
    settings,
    tz: (site) => spec(site).tz,
    calendar(site) {
      let c = cals.get(site);
      if (!c) {
        const s = spec(site);
        const set = settings(site);
        const country = holidayCountry(set, s.tz);
        const holidays = country === null ? [] : HOLIDAY_YEARS.flatMap((y) => nationalHolidays(country, y).map((h) => h.date));
        c = createBusinessCalendar(s, { holidays, workingWeekdays: set.working_weekdays });
        cals.set(site, c);
      }
      return c;
    },
    legalCalendar(site, from, to) {
      const set = settings(site);
      const country = holidayCountry(set, spec(site).tz);
      const inRange = (date: string): boolean => date >= from && date <= to;
      const byDate = new Map<string, EscalationLegalCalendar['holidays'][number]>();
      // A site holiday on a national one is listed once, with the national name.
      for (const date of spec(site).holidays ?? []) if (inRange(date)) byDate.set(date, { date, name: '', source: 'site' });
      if (country !== null) {
        for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y++) {
          for (const h of nationalHolidays(country, y)) if (inRange(h.date)) byDate.set(h.date, { date: h.date, name: h.name, source: 'national' });
        }
      }
      const holidays = [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
      return { holidays_country: country, working_weekdays: [...set.working_weekdays], from, to, holidays };
    },
  };
}

/** Groups events by (site, ticket) and folds each ticket. */
export function foldAll(events: readonly TicketEvent[]): TicketState[] {
  const groups = new Map<string, TicketEvent[]>();
  for (const e of events) {
    const k = `${e.site}\0${e.ticket_id}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(e);
  }
  return [...groups.values()].map((g) => foldTicket(g));
}

export function ageState(model: EscalationModel, st: TicketState, nowS: number): EscalationTicket {
  const s = model.settings(st.site);
  return ageTicket(st, model.calendar(st.site), s, nowS);
}

export function siteSnapshot(model: EscalationModel, site: string, states: readonly TicketState[], nowMs: number): EscalationsSnapshot {
  const nowS = Math.floor(nowMs / 1000);
  const aged = states.filter((s) => s.site === site && s.closed_at === null).map((s) => ageState(model, s, nowS));
  return buildSnapshot(site, model.tz(site), model.settings(site).due_soon_days, nowMs, aged);
}

export class MonthError extends Error {
  override name = 'MonthError';
}

/** [start, end) epoch seconds of a `YYYY-MM` month in `tz`. */
export function monthBounds(month: string, tz: string): [number, number] {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) throw new MonthError(`month must be YYYY-MM: ${month}`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  return [localToEpoch(y, mo, 1, 0, 0, tz), mo === 12 ? localToEpoch(y + 1, 1, 1, 0, 0, tz) : localToEpoch(y, mo + 1, 1, 0, 0, tz)];
}

/**
 * Monthly indicators of one site. Each ticket is folded from its events up to the month's end,
 * so later events (a reopen in the next month) never change a past month.
 */
export function siteMonthly(model: EscalationModel, site: string, month: string, events: readonly TicketEvent[]): EscalationMonthly {
  const tz = model.tz(site);
  const [start, end] = monthBounds(month, tz);
  const states = foldAll(events.filter((e) => e.site === site && e.ts < end));
  const closed: EscalationTicket[] = [];
  const openAtEnd: EscalationTicket[] = [];
  for (const st of states) {
    if (st.closed_at !== null && st.closed_at >= start) closed.push(ageState(model, st, st.closed_at));
    else if (st.closed_at === null) openAtEnd.push(ageState(model, st, end - 1));
  }
  // The holidays the figures applied: every business-day count ran between a receipt day and
  // a due day or the day a closing, an answer or the month's end belongs to (none later than
  // the month's end), so those of [earliest receipt, latest of these] are the ones listed.
  const counted = [...closed, ...openAtEnd];
  const endDay = isoDate(model.calendar(site).effectiveDay(end - 1));
  const from = counted.reduce((m, t) => (t.receipt_date < m ? t.receipt_date : m), isoDate(model.calendar(site).dayOf(start)));
  const to = counted.reduce((m, t) => (t.due_date > m ? t.due_date : m), endDay);
  return { ...buildMonthly(site, month, tz, model.settings(site).terms, closed, openAtEnd), calendar: model.legalCalendar(site, from, to) };
}
