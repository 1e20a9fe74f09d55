import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.ts';

describe('toCsv', () => {
  it('quotes what needs quoting and writes numbers plainly', () => {
    expect(
      toCsv(
        ['Cola', 'NS %', 'Nota'],
        [
          ['101', 84.62, 'ok'],
          ['Ventas, norte', null, 'dijo "hola"'],
          ['x;y', 1234567, 'línea\nnueva'],
          ['z', Number.NaN, true],
        ],
      ),
    ).toBe('Cola,NS %,Nota\r\n101,84.62,ok\r\n"Ventas, norte",,"dijo ""hola"""\r\n"x;y",1234567,"línea\nnueva"\r\nz,,true\r\n');
  });
});
