// Escalation settings of a site: terms per ticket type (business days), the due-soon threshold,
// which country's national holidays apply on top of the site calendar's own, and the legal
// working weekdays (kpi-definitions §6: Monday to Friday unless a regulator names others;
// opening hours never add one). Pure.
import { TICKET_TYPES, type TicketType } from '@tablero/ingest/contract';
import { HOLIDAY_COUNTRIES, countryOfTimeZone, type HolidayCountry } from '../holidays/bundled.ts';
import { WEEKDAY_NAMES, type Weekday } from '../../contract.ts';
import { DEFAULT_WORKING_WEEKDAYS } from './business-days.ts';
import { DEFAULT_TERMS, type EscalationTerms } from './tickets.ts';

export interface EscalationSettings extends EscalationTerms {
  /** `auto`: Colombia for America/Bogota, Bolivia for America/La_Paz, none otherwise. */
  holidays_country: HolidayCountry | 'auto' | 'none';
  /** Weekdays that count toward terms (before holidays), in week order; default Monday to Friday. */
  working_weekdays: Weekday[];
}

export type EscalationSettingsPatch = Partial<Omit<EscalationSettings, 'terms'>> & { terms?: Partial<Record<TicketType, number>> };

export function defaultEscalationSettings(): EscalationSettings {
  return { terms: { ...DEFAULT_TERMS.terms }, due_soon_days: DEFAULT_TERMS.due_soon_days, holidays_country: 'auto', working_weekdays: [...DEFAULT_WORKING_WEEKDAYS] };
}

export function mergeEscalationSettings(base: EscalationSettings, patch: EscalationSettingsPatch): EscalationSettings {
  const out: EscalationSettings = { ...base, terms: { ...base.terms } };
  if (patch.due_soon_days !== undefined) out.due_soon_days = patch.due_soon_days;
  if (patch.holidays_country !== undefined) out.holidays_country = patch.holidays_country;
  if (patch.working_weekdays !== undefined) out.working_weekdays = [...patch.working_weekdays];
  for (const t of TICKET_TYPES) {
    const v = patch.terms?.[t];
    if (v !== undefined) out.terms[t] = v;
  }
  return out;
}

export function holidayCountry(s: EscalationSettings, tz: string): HolidayCountry | null {
  if (s.holidays_country === 'none') return null;
  if (s.holidays_country === 'auto') return countryOfTimeZone(tz);
  return s.holidays_country;
}

export type EscalationSettingsCheck = { ok: true; value: EscalationSettingsPatch } | { ok: false; reason: string };

const MAX_TERM_DAYS = 365;

/** Validates an untrusted patch (dashboard edits, stored JSON); reports the first bad field. */
export function checkEscalationSettings(input: unknown): EscalationSettingsCheck {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, reason: 'not_an_object' };
  const out: EscalationSettingsPatch = {};
  const isDays = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_TERM_DAYS;
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
    switch (k) {
      case 'due_soon_days':
        if (!isDays(v)) return { ok: false, reason: 'bad_field:due_soon_days' };
        out.due_soon_days = v;
        break;
      case 'holidays_country':
        if (v !== 'auto' && v !== 'none' && !(HOLIDAY_COUNTRIES as readonly unknown[]).includes(v)) return { ok: false, reason: 'bad_field:holidays_country' };
        out.holidays_country = v as EscalationSettings['holidays_country'];
        break;
      case 'working_weekdays': {
        // A set of weekday names, stored in week order; empty would make every term endless.
        if (!Array.isArray(v) || v.length === 0 || !v.every((d) => (WEEKDAY_NAMES as readonly unknown[]).includes(d)) || new Set(v).size !== v.length) {
          return { ok: false, reason: 'bad_field:working_weekdays' };
        }
        out.working_weekdays = WEEKDAY_NAMES.filter((d) => (v as unknown[]).includes(d));
        break;
      }
      case 'terms': {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return { ok: false, reason: 'bad_field:terms' };
        const terms: Partial<Record<TicketType, number>> = {};
        for (const [t, d] of Object.entries(v as Record<string, unknown>)) {
          if (!(TICKET_TYPES as readonly string[]).includes(t)) return { ok: false, reason: `unknown_field:terms.${t}` };
          if (!isDays(d)) return { ok: false, reason: `bad_field:terms.${t}` };
          terms[t as TicketType] = d;
        }
        out.terms = terms;
        break;
      }
      default:
        return { ok: false, reason: `unknown_field:${k}` };
    }
  }
  return { ok: true, value: out };
}
