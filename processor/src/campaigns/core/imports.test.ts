// Contact lists, results files and the phone rule: every line accepted or rejected with its
// reason, nothing valid lost beside a bad line (kpi-definitions §16).
import { describe, expect, it } from 'vitest';
import { DEFAULT_RESULT_CODES } from '../contract.ts';
import { bog, CONTACTS_CSV, PREFIXES } from '../testing/credit-week.ts';
import { readCsvTable } from './csv-table.ts';
import { parseContacts, parseResults, parseResultTime } from './imports.ts';
import { normalizePhone } from './phone.ts';

const local = (y: number, mo: number, d: number, h: number, mi: number): number => Date.UTC(y, mo - 1, d, h + 5, mi) / 1000;

describe('normalizePhone', () => {
  it.each([
    ['300 111 2233', '3001112233'],
    ['+57 300 222 3344', '3002223344'],
    ['(300) 333-4455', '3003334455'],
    ['93001112233', '3001112233'],
    ['573002223344', '3002223344'],
    ['5712345', '5712345'], // stripping 57 would leave 5 digits: kept whole
    ['2-22-33-44', '2223344'],
  ])('%s -> %s', (raw, norm) => expect(normalizePhone(raw, PREFIXES)).toBe(norm));
  it.each(['', 'abc', '12345', '1234567890123456'])('%j is no phone', (raw) => expect(normalizePhone(raw, PREFIXES)).toBeNull());
  it('strips the longest prefix that fits', () => expect(normalizePhone('0573001112233', ['0', '057'])).toBe('3001112233'));
});

describe('readCsvTable', () => {
  it('reads quoted separators, quotes and line breaks, with the line each record starts on', () => {
    const t = readCsvTable('a,b\r\n1,"x, ""y"""\n2,"two\nlines"\n\n3,z');
    expect(t?.header).toEqual(['a', 'b']);
    expect(t?.records).toEqual([{ line: 2, cells: ['1', 'x, "y"'] }, { line: 3, cells: ['2', 'two\nlines'] }, { line: 6, cells: ['3', 'z'] }]);
  });
  it('marks an unclosed quote as bad and goes on', () => {
    expect(readCsvTable('a;b\n1;"open\n')?.records).toEqual([{ line: 2, cells: null }]);
    expect(readCsvTable('a;b\n1;"x"y\n2;z')?.records).toEqual([{ line: 2, cells: null }, { line: 3, cells: ['2', 'z'] }]);
  });
});

describe('parseContacts', () => {
  it('reads the list with its free fields (semicolon-separated, quoted cells)', () => {
    const p = parseContacts(CONTACTS_CSV, PREFIXES, new Map());
    if (!p.ok) throw new Error(p.reason);
    expect(p.field_names).toEqual(['nombre', 'producto']);
    expect(p.contacts.map((c) => [c.contact_id, c.phone_norm, c.fields['nombre'], c.line])).toEqual([
      ['C1', '3001112233', 'Ana Pérez', 2], ['C2', '3002223344', 'Luis Gómez', 3], ['C3', '3003334455', 'Marta Ruiz', 4], ['C4', '3004445566', 'Rojas; Pedro', 5], ['C5', '3005556677', 'Sofía Díaz', 6],
    ]);
    expect(p.rejected).toEqual([]);
  });

  it('rejects each bad line with its reason and keeps every good one', () => {
    const text = [
      'id_contacto,telefono,ciudad',
      'A1,3001112233,Bogotá', // 2 ok
      ',3001112234,Cali', // 3
      'A3,,Cali', // 4
      'A4,12-34,Cali', // 5
      'A1,3001112299,Cali', // 6 same id again
      'A6,+57 300 111 2233,Cali', // 7 A1's phone
      'A7,3001112235', // 8 a column missing
      'A8,"3001112236,Cali', // 9 unclosed quote
      `${'x'.repeat(101)},3001112237,Cali`, // 10
      'A10,3001112238,Medellín', // 11 ok
      'A11,3005556677,Pasto', // 12 C5's phone, stored before under another id
      'A12,3001112239,a\0b', // 13
    ].join('\n');
    const p = parseContacts(text, PREFIXES, new Map([['3005556677', 'C5']]));
    if (!p.ok) throw new Error(p.reason);
    expect(p.lines).toBe(12);
    expect(p.contacts.map((c) => c.contact_id)).toEqual(['A1', 'A10']);
    expect(p.rejected).toEqual([
      { line: 3, reason: 'no_contact_id' }, { line: 4, reason: 'no_phone' }, { line: 5, reason: 'bad_phone' }, { line: 6, reason: 'duplicate_contact' },
      { line: 7, reason: 'duplicate_phone' }, { line: 8, reason: 'column_count' }, { line: 9, reason: 'bad_csv' }, { line: 10, reason: 'contact_id_too_long' },
      { line: 12, reason: 'duplicate_phone' }, { line: 13, reason: 'nul_byte' },
    ]);
  });

  it.each([
    ['', 'the file has no header line'],
    ['nombre,ciudad\nx,y', 'the header must name the columns contact_id and phone'],
    ['contact_id,phone,x,X\n1,3001112233,a,b', 'the header names a column twice'],
    ['contact_id,phone,\n1,3001112233,a', 'a column of the header has no name'],
  ])('refuses the whole file %j: %s', (text, reason) => expect(parseContacts(text, [], new Map())).toEqual({ ok: false, reason }));
});

describe('parseResults', () => {
  const o = { contacts: new Set(['C1', 'C2']), codes: DEFAULT_RESULT_CODES, fromS: bog(2, 0), toS: bog(7, 0), localToEpoch: local };

  it('reads local, zoned and epoch times; rejects with reasons', () => {
    const text = [
      'contact_id;resultado;fecha;agente;nota',
      'C1;success;2026-03-03 10:02;ana;ok', // 2
      'C2;SUCCESS;2026-03-03T15:02:00Z;ana;', // 3 code case-folded, UTC
      `C2;busy;${bog(4, 8)};luis;`, // 4 epoch seconds
      'C9;success;2026-03-03 10:02;ana;', // 5
      'C1;sold;2026-03-03 10:02;ana;', // 6
      'C1;success;2026-03-31 25:00;ana;', // 7
      'C1;success;2026-03-09 10:00;ana;', // 8 after the last day
      'C1;success;2026-03-03 10:02;;', // 9
      ';success;2026-03-03 10:02;ana;', // 10
      'C1;success;2026-03-03 10:02;ana', // 11
    ].join('\n');
    const p = parseResults(text, o);
    if (!p.ok) throw new Error(p.reason);
    expect(p.results.map((r) => [r.line, r.contact_id, r.code, r.at_s, r.agent])).toEqual([
      [2, 'C1', 'success', bog(3, 10, 2), 'ana'], [3, 'C2', 'success', bog(3, 10, 2), 'ana'], [4, 'C2', 'busy', bog(4, 8), 'luis'],
    ]);
    expect(p.rejected).toEqual([
      { line: 5, reason: 'unknown_contact' }, { line: 6, reason: 'unknown_code' }, { line: 7, reason: 'bad_time' }, { line: 8, reason: 'outside_dates' },
      { line: 9, reason: 'no_agent' }, { line: 10, reason: 'no_contact_id' }, { line: 11, reason: 'column_count' },
    ]);
  });

  it('needs the four columns', () => expect(parseResults('contact_id,result,at\nC1,success,2026-03-03 10:00', o)).toEqual({ ok: false, reason: 'the header must name the columns contact_id, result, at and agent' }));

  it.each(['2026-02-30 10:00', '2026-13-01 10:00', '03/03/2026 10:00', '2026-03-03'])('%j is no time', (v) => expect(parseResultTime(v, local)).toBeNull());
});
