// Contact records (kpi-definitions §15): accepted rows as normalized, and every rejected row with its reason.
import { describe, expect, it } from 'vitest';
import { contactFromRecord, contactVersion, normalizeChannel, parseContactCsvHeader, parseContactCsvRow } from './parse.ts';

const CTX = { site: 'bog', source: 'import:crm', tz: 'America/Bogota', line: 7 };
const base = { contact_id: 'K1', channel: 'chat', arrived: '2026-12-07 10:00:00' };
const T = Date.UTC(2026, 11, 7, 15) / 1000; // 10:00 in Bogotá

describe('contactFromRecord', () => {
  it('normalizes an answered, rated chat', () => {
    const r = contactFromRecord({ ...base, queue: ' ventas ', first_response: '2026-12-07T15:00:30Z', ended: String(T + 300), agent: 'ana', outcome: 'ANSWERED', call_id: '1733.5', ticket_id: 'R-9', rating_calidad: '5', ratings: { amabilidad: 4 } }, CTX);
    expect(r).toEqual({
      ok: true,
      value: {
        site: 'bog', source: 'import:crm', contact_id: 'K1', channel: 'chat', queue: 'ventas', arrived: T, first_response: T + 30, ended: T + 300, agent: 'ana',
        outcome: 'answered', call_id: '1733.5', ticket_id: 'R-9', rating_dims: ['amabilidad', 'calidad'], rating_scores: [4, 5], version: 2 * 10_000_000_000 + T + 300,
      },
    });
  });

  it.each([
    ['Correo', 'email'], ['mailbox', 'email'], ['Videollamada', 'video'], ['web form', 'webform'], ['Formulario', 'webform'], ['redes', 'social'], ['SOCIAL', 'social'], ['fax', null],
  ])('channel %s -> %s', (text, channel) => {
    expect(normalizeChannel(text)).toBe(channel);
  });

  it('orders states: an open contact < one responded < one ended', () => {
    expect(contactVersion(T, 0, 0)).toBeLessThan(contactVersion(T, T + 99_999, 0));
    expect(contactVersion(T, T + 99_999, 0)).toBeLessThan(contactVersion(T, T + 1, T + 2));
  });

  it.each<[Record<string, unknown>, string]>([
    [{ ...base, contact_id: '' }, 'missing_field:contact_id'],
    [{ ...base, contact_id: 'x'.repeat(101) }, 'bad_field:contact_id'],
    [{ ...base, contact_id: 'a\tb' }, 'bad_field:contact_id'],
    [{ ...base, contact_id: { id: 1 } }, 'bad_field:contact_id'],
    [{ ...base, channel: '' }, 'missing_field:channel'],
    [{ ...base, channel: 'fax' }, 'bad_field:channel'],
    [{ ...base, arrived: '' }, 'missing_field:arrived'],
    [{ ...base, arrived: '2026-02-30 10:00' }, 'bad_field:arrived'],
    [{ ...base, arrived: 'yesterday' }, 'bad_field:arrived'],
    [{ ...base, first_response: 'soon' }, 'bad_field:first_response'],
    [{ ...base, first_response: '2026-12-07 09:59:59', outcome: 'answered' }, 'before_arrival:first_response'],
    [{ ...base, ended: '2026-12-07 09:00', outcome: 'abandoned' }, 'before_arrival:ended'],
    [{ ...base, first_response: '2026-12-07 10:05', ended: '2026-12-07 10:04', outcome: 'answered' }, 'ended_before_first_response'],
    [{ ...base, outcome: 'lost' }, 'bad_field:outcome'],
    [{ ...base, outcome: 'answered' }, 'answered_without_first_response'],
    [{ ...base, first_response: '2026-12-07 10:01', outcome: 'abandoned' }, 'abandoned_with_first_response'],
    [{ ...base, first_response: '2026-12-07 10:01', outcome: 'unanswered' }, 'unanswered_with_first_response'],
    [{ ...base, ended: '2026-12-07 10:01' }, 'ended_without_outcome'],
    [{ ...base, queue: 'q'.repeat(201) }, 'bad_field:queue'],
    [{ ...base, agent: 'a\nb' }, 'bad_field:agent'],
    [{ ...base, rating_calidad: '6' }, 'bad_score:calidad'],
    [{ ...base, rating_calidad: '4.5' }, 'bad_score:calidad'],
    [{ ...base, 'rating_Mal-Nombre': '4' }, 'bad_dimension:Mal-Nombre'],
    [{ ...base, ratings: [5] }, 'bad_field:ratings'],
    [{ ...base, rating_calidad: '5', ratings: { calidad: 4 } }, 'repeated_dimension:calidad'],
  ])('rejects %j: %s', (rec, reason) => {
    expect(contactFromRecord(rec, CTX)).toEqual({ ok: false, reason, line: 7 });
  });
});

describe('CSV', () => {
  it('reads a header in any order, `;` separated, with rating columns', () => {
    const h = parseContactCsvHeader('\uFEFFArrived;Contact_ID;channel;rating_calidad\r');
    expect(h).toEqual({ ok: true, value: { names: ['arrived', 'contact_id', 'channel', 'rating_calidad'], sep: ';' } });
    if (!h.ok) return;
    expect(parseContactCsvRow(`${T};"K;1";email;3\r`, h.value, CTX)).toMatchObject({ ok: true, value: { contact_id: 'K;1', channel: 'email', arrived: T, rating_dims: ['calidad'], rating_scores: [3] } });
    expect(parseContactCsvRow(`${T};K2;email`, h.value, CTX)).toEqual({ ok: false, reason: 'wrong_column_count', line: 7 });
    expect(parseContactCsvRow(`${T};"K2;email;3`, h.value, CTX)).toEqual({ ok: false, reason: 'bad_quotes', line: 7 });
    expect(parseContactCsvRow(`${T};K\u00002;email;3`, h.value, CTX)).toEqual({ ok: false, reason: 'nul_byte', line: 7 });
  });

  it.each([
    ['contact_id,channel', 'missing_column:arrived'],
    ['contact_id,channel,arrived,channel', 'duplicate_column'],
    ['contact_id,channel,arrived,agnet', 'unknown_column:agnet'],
    ['contact_id,"channel,arrived', 'bad_header'],
  ])('refuses the header %s: %s', (line, reason) => {
    expect(parseContactCsvHeader(line)).toEqual({ ok: false, reason, line: 1 });
  });
});
