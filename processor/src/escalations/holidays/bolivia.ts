// Bolivia's national holidays (feriados nacionales con suspensión de actividades).
// Standing rules:
// - 1 Jan Año Nuevo; 22 Jan Creación del Estado Plurinacional (DS 0405 de 2010); Carnaval
//   Monday and Tuesday (Easter-48, Easter-47); Viernes Santo (Easter-2); 1 May Día del Trabajo;
//   Corpus Christi (Easter+60); 21 Jun Año Nuevo Andino Amazónico (DS 0173 de 2009); 6 Aug
//   Independencia; 2 Nov Todos Santos; 25 Dec Navidad.
// - A holiday that falls on a Sunday is observed on the Monday (DS 1210 de 2012, applied every
//   year since, e.g. 21 Jun 2026 -> 22 Jun, 2 Nov 2025 -> 3 Nov).
// Each year the government may move or add days by decree; those years are listed explicitly in
// bundled.ts (2026: DS 5521 of 13 Jan 2026). Admins edit the site's holiday list for later decrees.
import { dayNumber, easterSunday, isoDate, isoWeekday } from './easter.ts';
import type { Holiday } from './colombia.ts';

function sundayToMonday(day: number): number {
  return isoWeekday(day) === 7 ? day + 1 : day;
}

/** The standing rules only (no year-specific decree). */
export function boliviaHolidaysByRule(year: number): Holiday[] {
  const easter = easterSunday(year);
  const fixed = (m: number, d: number): number => sundayToMonday(dayNumber(year, m, d));
  const list: Array<[number, string]> = [
    [fixed(1, 1), 'Año Nuevo'],
    [fixed(1, 22), 'Día del Estado Plurinacional'],
    [easter - 48, 'Carnaval (lunes)'],
    [easter - 47, 'Carnaval (martes)'],
    [easter - 2, 'Viernes Santo'],
    [fixed(5, 1), 'Día del Trabajo'],
    [easter + 60, 'Corpus Christi'],
    [fixed(6, 21), 'Año Nuevo Andino Amazónico'],
    [fixed(8, 6), 'Día de la Independencia'],
    [fixed(11, 2), 'Todos Santos'],
    [fixed(12, 25), 'Navidad'],
  ];
  return list.sort((a, b) => a[0] - b[0]).map(([d, name]) => ({ date: isoDate(d), name }));
}
