import { describe, expect, it } from 'vitest';
import { CSV_CONVENTIONS, toCsv } from './csv.ts';

const HEADERS = ['Cola', 'NS %', 'Nota'];
const ROWS = [
  ['101', 84.62, 'ok'],
  ['Ventas, norte', null, 'dijo "hola"'],
  ['x;y', 1234567, 'línea\nnueva'],
  ['z', Number.NaN, true],
  ['w', -0.5, 2500.25],
] as const;

describe('toCsv', () => {
  it('in English: comma-separated, decimal point, no grouping; quotes what holds a comma, quote or line break', () => {
    expect(toCsv(HEADERS, ROWS, CSV_CONVENTIONS.en)).toBe(
      'Cola,NS %,Nota\r\n101,84.62,ok\r\n"Ventas, norte",,"dijo ""hola"""\r\nx;y,1234567,"línea\nnueva"\r\nz,,true\r\nw,-0.5,2500.25\r\n',
    );
  });

  it('in Spanish: semicolon-separated with a decimal comma, as Spanish Excel reads it; quotes what holds a semicolon', () => {
    expect(toCsv(HEADERS, ROWS, CSV_CONVENTIONS.es)).toBe(
      'Cola;NS %;Nota\r\n101;84,62;ok\r\nVentas, norte;;"dijo ""hola"""\r\n"x;y";1234567;"línea\nnueva"\r\nz;;true\r\nw;-0,5;2500,25\r\n',
    );
  });
});
