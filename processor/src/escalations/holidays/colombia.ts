// Colombia's national holidays (festivos), computed for any year.
// Sources:
// - Ley 51 de 1983 ("Ley Emiliani"): Reyes (6 Jan), San José (19 Mar), San Pedro y San Pablo
//   (29 Jun), Asunción (15 Aug), Día de la Raza (12 Oct), Todos los Santos (1 Nov),
//   Independencia de Cartagena (11 Nov), and the Easter-based Ascensión, Corpus Christi and
//   Sagrado Corazón move to the next Monday when they do not fall on a Monday.
// - Fixed days that never move: 1 Jan, Jueves and Viernes Santo, 1 May (Ley 57 de 1926 / CST),
//   20 Jul and 7 Aug (Ley 35 de 1939), 8 Dec, 25 Dec.
// The Easter-based dates follow the liturgical offsets: Ascensión Easter+39 (Thursday) ->
// Monday Easter+43; Corpus Christi Easter+60 -> Monday Easter+64; Sagrado Corazón Easter+68
// (Friday) -> Monday Easter+71.
import { dayNumber, easterSunday, isoDate, isoWeekday } from './easter.ts';

export interface Holiday {
  date: string;
  name: string;
}

/** The day itself when it is a Monday, else the next Monday (Ley 51 de 1983). */
export function nextMonday(day: number): number {
  const wd = isoWeekday(day);
  return wd === 1 ? day : day + (8 - wd);
}

export function colombiaHolidays(year: number): Holiday[] {
  const easter = easterSunday(year);
  const fixed = (m: number, d: number): number => dayNumber(year, m, d);
  const moved = (m: number, d: number): number => nextMonday(dayNumber(year, m, d));
  const list: Array<[number, string]> = [
    [fixed(1, 1), 'Año Nuevo'],
    [moved(1, 6), 'Reyes Magos'],
    [moved(3, 19), 'San José'],
    [easter - 3, 'Jueves Santo'],
    [easter - 2, 'Viernes Santo'],
    [fixed(5, 1), 'Día del Trabajo'],
    [easter + 43, 'Ascensión del Señor'],
    [easter + 64, 'Corpus Christi'],
    [easter + 71, 'Sagrado Corazón'],
    [moved(6, 29), 'San Pedro y San Pablo'],
    [fixed(7, 20), 'Día de la Independencia'],
    [fixed(8, 7), 'Batalla de Boyacá'],
    [moved(8, 15), 'Asunción de la Virgen'],
    [moved(10, 12), 'Día de la Raza'],
    [moved(11, 1), 'Todos los Santos'],
    [moved(11, 11), 'Independencia de Cartagena'],
    [fixed(12, 8), 'Inmaculada Concepción'],
    [fixed(12, 25), 'Navidad'],
  ];
  return list.sort((a, b) => a[0] - b[0]).map(([d, name]) => ({ date: isoDate(d), name }));
}
