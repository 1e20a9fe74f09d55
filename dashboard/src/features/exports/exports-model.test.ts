import { describe, expect, it } from 'vitest';
import { ApiError } from '../../lib/api.ts';
import { textOf } from '../../lib/catalog.ts';
import { fileNameOf, monthRange, parseMail, parseMonths, parseRuns, parseSchedules, previousMonth, queuesOf, refusalOf, scheduleBody, type Refusal } from './exports-model.ts';
import { EXPORT_TEXTS, type ExportTextKey } from './texts.ts';

describe('reading the answers', () => {
  it('keeps well-formed closed months and drops the rest', () => {
    const ok = { month: '2026-10', version: 2, closed_at_ms: 1_790_000_000_000, closed_by: 'mario', fingerprint: '16-a87bb3cc617ca6bd', stints: 16, live_fingerprint: '18-00ff', data_changed: true };
    expect(parseMonths([ok, { month: '2026-09' }, null])).toEqual([ok]);
    // An older server without the live fields: nothing is claimed to have changed.
    const { live_fingerprint: _l, data_changed: _d, ...old } = ok;
    expect(parseMonths([old])).toEqual([{ ...old, live_fingerprint: '16-a87bb3cc617ca6bd', data_changed: false }]);
    expect(parseMonths({ not: 'a list' })).toEqual([]);
  });

  it('reads schedules and runs', () => {
    const s = { id: 'mensual', enabled: true, every: 'monthly', day_of_month: 1, at: '06:00', tz: 'UTC', site: 'default', queues: [], formats: ['xlsx'], lang: 'es', sep: ';', folder: '/srv/x', email_to: ['a@example.com'] };
    expect(parseSchedules([s, { ...s, every: 'weekly' }])).toEqual([
      { id: 'mensual', enabled: true, every: 'monthly', day_of_month: 1, at: '06:00', tz: 'UTC', queues: [], formats: ['xlsx'], lang: 'es', folder: '/srv/x', email_to: ['a@example.com'] },
    ]);
    const r = { run_id: 'a', schedule_id: 'mensual', site: 'default', scheduled_for_ms: 5, started_at_ms: 6, finished_at_ms: 7, month: '2026-10', status: 'failed', files: [], bytes: 0, error: 'EACCES' };
    expect(parseRuns([r])).toEqual([{ run_id: 'a', schedule_id: 'mensual', scheduled_for_ms: 5, month: '2026-10', status: 'failed', files: [], error: 'EACCES' }]);
  });

  it('lists the queues of KPI rows once, in numeric order', () => {
    expect(queuesOf([{ queue: '1010' }, { queue: '102' }, { queue: '101' }, { queue: '102' }, { queue: '' }, {}])).toEqual(['101', '102', '1010']);
  });
});

describe('months and files', () => {
  it.each<[number, string]>([
    [Date.UTC(2026, 11, 7, 17, 0), '2026-11'],
    [Date.UTC(2027, 0, 1, 0, 0), '2026-12'],
  ])('previousMonth(%i) = %s', (now, month) => expect(previousMonth(now)).toBe(month));

  it.each<[string, { from: string; to: string } | null]>([
    ['2026-11', { from: '2026-11-01', to: '2026-12-01' }],
    ['2026-12', { from: '2026-12-01', to: '2027-01-01' }],
    ['', null],
  ])('monthRange(%j)', (m, range) => expect(monthRange(m)).toEqual(range));

  it.each<[string | null, string | null]>([
    ['attachment; filename="tablero-default-2026-10.xlsx"', 'tablero-default-2026-10.xlsx'],
    ['inline', null],
    [null, null],
  ])('fileNameOf(%j)', (h, name) => expect(fileNameOf(h)).toBe(name));

  it('sends a day of the month only for monthly schedules', () => {
    const form = { id: 'd', every: 'daily' as const, day_of_month: 3, at: '07:30', formats: ['csv' as const], lang: 'en' as const, queues: ['101'], folder: ' /srv/r ', email_to: ' a@example.com, b@example.com;\nc@example.com ', enabled: false };
    const to = ['a@example.com', 'b@example.com', 'c@example.com'];
    expect(scheduleBody(form)).toEqual({ enabled: false, every: 'daily', at: '07:30', formats: ['csv'], lang: 'en', queues: ['101'], folder: '/srv/r', email_to: to });
    expect(scheduleBody({ ...form, every: 'monthly', email_to: '' })).toEqual({ enabled: false, every: 'monthly', day_of_month: 3, at: '07:30', formats: ['csv'], lang: 'en', queues: ['101'], folder: '/srv/r', email_to: [] });
  });

  it('reads the mail status and ignores anything else', () => {
    expect(parseMail({ configured: false })).toEqual({ configured: false });
    expect(parseMail({ configured: true, host: 'smtp.example.com', port: 587, tls: 'starttls', from: 'i@example.com', auth: true })).toEqual({
      configured: true, host: 'smtp.example.com', port: 587, tls: 'starttls', from: 'i@example.com',
    });
    expect(parseMail({ configured: true })).toBeNull();
  });
});

describe('refusals in the user’s language', () => {
  const es = (r: Refusal): string => textOf(EXPORT_TEXTS, 'es', r.key, r.params);
  const en = (r: Refusal): string => textOf(EXPORT_TEXTS, 'en', r.key, r.params);
  const field = (k: ExportTextKey): string => textOf(EXPORT_TEXTS, 'es', k);

  it.each<[ApiError, string, string]>([
    [new ApiError(409, 'TABLERO_ERR_MONTH_NOT_OVER', '2026-12 is not over yet'), 'El mes diciembre de 2026 aún no termina: solo se puede cerrar un mes terminado.', 'diciembre de 2026 is not over yet: only a month that has ended can be closed.'],
    [new ApiError(400, 'TABLERO_ERR_BAD_REQUEST', 'invalid export schedule: bad_field:folder'), 'Revise «Carpeta en el servidor»: el servidor no lo aceptó.', 'Check “Carpeta en el servidor”: the server did not accept it.'],
    [new ApiError(400, 'TABLERO_ERR_BAD_REQUEST', 'invalid export schedule: bad_field:email_to'), 'Revise «Enviar por correo a»: el servidor no lo aceptó.', 'Check “Enviar por correo a”: the server did not accept it.'],
    [new ApiError(400, 'TABLERO_ERR_BAD_QUERY', 'bad query parameter month: must be YYYY-MM'), 'Elija un mes entre 2000 y 2099.', 'Pick a month between 2000 and 2099.'],
    [new ApiError(403, 'TABLERO_ERR_FORBIDDEN', 'your role may not use /api/months'), 'Su rol no permite esta acción.', 'Your role may not do this.'],
    [new ApiError(500, 'TABLERO_ERR_EXPORT', 'the export failed'), 'La exportación falló en el servidor. Inténtelo de nuevo o avise al administrador.', 'The export failed on the server. Try again or tell the administrator.'],
    [new ApiError(0, 'NETWORK', 'GET failed'), 'No se pudo contactar al servidor.', 'The server could not be reached.'],
    [
      new ApiError(400, 'TABLERO_ERR_BAD_REQUEST', 'invalid export schedule: folder_outside_exports (the folder must be /srv/tablero/exports or a folder inside it; set by TABLERO_EXPORTS_DIR)'),
      'La carpeta debe ser /srv/tablero/exports o una carpeta dentro de ella (la carpeta de exportaciones del servidor).',
      'The folder must be /srv/tablero/exports or a folder inside it (the server\'s exports folder).',
    ],
    [new ApiError(502, 'HTTP_502', 'HTTP 502'), 'El servidor rechazó la solicitud (HTTP_502).', 'The server refused the request (HTTP_502).'],
  ])('%s', (err, textEs, textEn) => {
    const r = refusalOf(err, { month: 'diciembre de 2026', field });
    expect(es(r)).toBe(textEs);
    expect(en(r)).toBe(textEn);
  });
});
