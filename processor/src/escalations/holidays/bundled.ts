// Bundled national holiday lists for the current and next year, written out date by date so an
// admin (or an auditor) can read exactly what Tablero assumes. Compiled on 2026-07 from the
// sources named below; tests check them against the rule code (colombia.ts, bolivia.ts).
// Sites add their own (regional) holidays and later decrees in the site calendar; both lists apply.
import { boliviaHolidaysByRule } from './bolivia.ts';
import { colombiaHolidays, type Holiday } from './colombia.ts';

export const HOLIDAY_COUNTRIES = ['CO', 'BO'] as const;
export type HolidayCountry = (typeof HOLIDAY_COUNTRIES)[number];

/** Colombia: Ley 51 de 1983 (Ley Emiliani) and the fixed-date laws; see colombia.ts. */
const CO: Record<number, Holiday[]> = {
  2026: [
    { date: '2026-01-01', name: 'Año Nuevo' },
    { date: '2026-01-12', name: 'Reyes Magos' },
    { date: '2026-03-23', name: 'San José' },
    { date: '2026-04-02', name: 'Jueves Santo' },
    { date: '2026-04-03', name: 'Viernes Santo' },
    { date: '2026-05-01', name: 'Día del Trabajo' },
    { date: '2026-05-18', name: 'Ascensión del Señor' },
    { date: '2026-06-08', name: 'Corpus Christi' },
    { date: '2026-06-15', name: 'Sagrado Corazón' },
    { date: '2026-06-29', name: 'San Pedro y San Pablo' },
    { date: '2026-07-20', name: 'Día de la Independencia' },
    { date: '2026-08-07', name: 'Batalla de Boyacá' },
    { date: '2026-08-17', name: 'Asunción de la Virgen' },
    { date: '2026-10-12', name: 'Día de la Raza' },
    { date: '2026-11-02', name: 'Todos los Santos' },
    { date: '2026-11-16', name: 'Independencia de Cartagena' },
    { date: '2026-12-08', name: 'Inmaculada Concepción' },
    { date: '2026-12-25', name: 'Navidad' },
  ],
  2027: [
    { date: '2027-01-01', name: 'Año Nuevo' },
    { date: '2027-01-11', name: 'Reyes Magos' },
    { date: '2027-03-22', name: 'San José' },
    { date: '2027-03-25', name: 'Jueves Santo' },
    { date: '2027-03-26', name: 'Viernes Santo' },
    { date: '2027-05-01', name: 'Día del Trabajo' },
    { date: '2027-05-10', name: 'Ascensión del Señor' },
    { date: '2027-05-31', name: 'Corpus Christi' },
    { date: '2027-06-07', name: 'Sagrado Corazón' },
    { date: '2027-07-05', name: 'San Pedro y San Pablo' },
    { date: '2027-07-20', name: 'Día de la Independencia' },
    { date: '2027-08-07', name: 'Batalla de Boyacá' },
    { date: '2027-08-16', name: 'Asunción de la Virgen' },
    { date: '2027-10-18', name: 'Día de la Raza' },
    { date: '2027-11-01', name: 'Todos los Santos' },
    { date: '2027-11-15', name: 'Independencia de Cartagena' },
    { date: '2027-12-08', name: 'Inmaculada Concepción' },
    { date: '2027-12-25', name: 'Navidad' },
  ],
};

/**
 * Bolivia. 2026: Decreto Supremo 5521 (13 Jan 2026) moved 22 Jan to Friday 23 Jan and 21 Jun
 * (a Sunday) to Monday 22 Jun, and added Friday 5 Jun and Friday 7 Aug. 2027: the standing
 * rules of bolivia.ts (no decree for 2027 was known when this list was compiled).
 */
const BO: Record<number, Holiday[]> = {
  2026: [
    { date: '2026-01-01', name: 'Año Nuevo' },
    { date: '2026-01-23', name: 'Día del Estado Plurinacional (trasladado, DS 5521)' },
    { date: '2026-02-16', name: 'Carnaval (lunes)' },
    { date: '2026-02-17', name: 'Carnaval (martes)' },
    { date: '2026-04-03', name: 'Viernes Santo' },
    { date: '2026-05-01', name: 'Día del Trabajo' },
    { date: '2026-06-04', name: 'Corpus Christi' },
    { date: '2026-06-05', name: 'Feriado adicional (DS 5521)' },
    { date: '2026-06-22', name: 'Año Nuevo Andino Amazónico (trasladado)' },
    { date: '2026-08-06', name: 'Día de la Independencia' },
    { date: '2026-08-07', name: 'Feriado adicional (DS 5521)' },
    { date: '2026-11-02', name: 'Todos Santos' },
    { date: '2026-12-25', name: 'Navidad' },
  ],
  2027: [
    { date: '2027-01-01', name: 'Año Nuevo' },
    { date: '2027-01-22', name: 'Día del Estado Plurinacional' },
    { date: '2027-02-08', name: 'Carnaval (lunes)' },
    { date: '2027-02-09', name: 'Carnaval (martes)' },
    { date: '2027-03-26', name: 'Viernes Santo' },
    { date: '2027-05-01', name: 'Día del Trabajo' },
    { date: '2027-05-27', name: 'Corpus Christi' },
    { date: '2027-06-21', name: 'Año Nuevo Andino Amazónico' },
    { date: '2027-08-06', name: 'Día de la Independencia' },
    { date: '2027-11-02', name: 'Todos Santos' },
    { date: '2027-12-25', name: 'Navidad' },
  ],
};

export const BUNDLED_HOLIDAYS: Readonly<Record<HolidayCountry, Readonly<Record<number, readonly Holiday[]>>>> = { CO, BO };

/** A country's national holidays of a year: the bundled list when there is one, else the rules. */
export function nationalHolidays(country: HolidayCountry, year: number): Holiday[] {
  const bundled = BUNDLED_HOLIDAYS[country][year];
  if (bundled) return [...bundled];
  return country === 'CO' ? colombiaHolidays(year) : boliviaHolidaysByRule(year);
}

/** The country whose national holidays apply by default to a site in this time zone. */
export function countryOfTimeZone(tz: string): HolidayCountry | null {
  if (tz === 'America/Bogota') return 'CO';
  if (tz === 'America/La_Paz') return 'BO';
  return null;
}
