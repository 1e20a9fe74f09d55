import { describe, expect, it } from 'vitest';
import type { FunnelRow } from '@tablero/processor/contract';
import { ApiError } from '../../lib/api.ts';
import { funnelCallsPage, funnelCallsParams, funnelCsvRows, funnelFormProblems, funnelParams, funnelRefusal, funnelRows, serviceSummaries, type FunnelForm } from './funnel-model.ts';

const FORM: FunnelForm = { from: '2026-11-01', to: '2026-11-30', by: 'day', services: ' 101, 102 ,101', site: '' };
const DEF: FunnelRow['definition'] = {
  site: 'default', tz: 'America/Bogota', contexts: ['from-pstn'], dids: ['6014400101'], ivr_source: 'queue_log:IVROPTION', agent_options: ['0'],
  grouping: 'linkedid_else_uniqueid', thresholds: [{ queue: 'q101', threshold_s: 20, strict: false, settings_version: 0 }], spans_change: false,
};
const row = (service: string, period: string, n: number, options: FunnelRow['by_option'], spans = false): FunnelRow => ({
  service, period, ingresadas: n, ivr_only: 1, asked_agent: n - 1, lost_before_queue: 0, refused: 0, offered: n - 1, answered: n - 1, answered_within: n - 2,
  abandoned: 0, other_exit: 0, by_option: options, definition: { ...DEF, spans_change: spans },
});

describe('funnel form', () => {
  it('asks the API for the day after the last day, services once each', () => {
    expect(funnelParams(FORM)).toEqual({ from: '2026-11-01', to: '2026-12-01', service: ['101', '102'], by: 'day', site: undefined });
    expect(funnelParams({ ...FORM, services: '', site: ' lpz ' })).toEqual({ from: '2026-11-01', to: '2026-12-01', service: [], by: 'day', site: 'lpz' });
  });

  it.each([
    [{ from: '2026-02-30' }, { from: { cat: 'shell', key: 'report.invalid.date' } }],
    [{ to: '2026-10-31' }, { to: { cat: 'shell', key: 'report.invalid.order' } }],
    [{ services: 'x'.repeat(65) }, { services: { cat: 'fun', key: 'fun.err.services' } }],
    [{ services: Array.from({ length: 51 }, (_, i) => `s${i}`).join(',') }, { services: { cat: 'fun', key: 'fun.err.services' } }],
    [{ site: 'la paz' }, { site: { cat: 'shell', key: 'report.invalid.site' } }],
    [{}, {}],
  ])('%j -> %j', (change, problems) => {
    expect(funnelFormProblems({ ...FORM, ...change })).toEqual(problems);
  });
});

describe('funnel rows', () => {
  it('keeps only well-formed rows and writes their CSV in stage order', () => {
    const good = row('101', '2026-11-09', 4, [{ option: '', calls: 1 }, { option: '2', calls: 3 }]);
    expect(funnelRows([good, { ...good, answered: '3' }, { service: 1 }, null])).toEqual([good]);
    expect(funnelRows({ rows: [] })).toEqual([]);
    expect(funnelCsvRows([good])).toEqual([['101', '2026-11-09', 4, 1, 3, 0, 0, 3, 3, 2, 0, 0, 'queue_log:IVROPTION', 'America/Bogota']]);
  });

  it('sums the IVR options of a service over its rows, and says when a T changed', () => {
    const rows = [
      row('101', '2026-11-09', 4, [{ option: '', calls: 1 }, { option: '2', calls: 3 }]),
      row('101', '2026-11-10', 3, [{ option: '1', calls: 1 }, { option: '2', calls: 2 }], true),
      row('102', '2026-11-10', 2, [{ option: '0', calls: 2 }]),
    ];
    expect(serviceSummaries(rows).map((s) => [s.service, s.spans_change, s.options])).toEqual([
      ['101', true, [{ option: '', calls: 1 }, { option: '1', calls: 1 }, { option: '2', calls: 5 }]],
      ['102', false, [{ option: '0', calls: 2 }]],
    ]);
  });
});

describe('funnelRefusal', () => {
  it.each([
    [new ApiError(400, 'TABLERO_ERR_BAD_QUERY', "bad query parameter service: no service '999' is configured for site lpz"), { cat: 'fun', key: 'fun.err.service', params: { service: '999', site: 'lpz' } }],
    [new ApiError(400, 'TABLERO_ERR_BAD_QUERY', 'bad query parameter service: must be a name of 1 to 64 characters'), { cat: 'fun', key: 'fun.err.services' }],
    [new ApiError(503, 'TABLERO_ERR_FUNNEL_UNAVAILABLE', 'the call funnel is not available in this process'), { cat: 'fun', key: 'fun.err.unavailable' }],
    [new ApiError(500, 'TABLERO_ERR_FUNNEL', 'the funnel query failed'), { cat: 'fun', key: 'fun.err.failed' }],
    [new ApiError(400, 'TABLERO_ERR_BAD_QUERY', 'bad query parameter to: must be after from'), { cat: 'shell', key: 'report.invalid.order' }],
    [new ApiError(0, 'TABLERO_ERR_NETWORK', 'offline'), { cat: 'shell', key: 'report.refused.network' }],
  ])('%s -> %j', (err, text) => {
    expect(funnelRefusal(err)).toEqual(text);
  });
});

describe('a figure\'s calls', () => {
  it('asks /api/funnel/calls with the shown funnel\'s range, by and site, plus the cell and the page', () => {
    expect(funnelCallsParams({ ...FORM, site: ' lpz ' }, { service: '101', period: '2026-11-09', figure: 'answered_within', offset: 200 })).toEqual({
      from: '2026-11-01', to: '2026-12-01', by: 'day', site: 'lpz', service: '101', period: '2026-11-09', figure: 'answered_within', limit: '100', offset: '200',
    });
  });

  it('keeps a page of calls checked field by field; anything else is no page', () => {
    const call = { call_key: '1.2', start: '2026-11-09T14:01:40.000Z', service: '101', option: '2', uniqueids: ['1.2', '1.3'], answer_queue: 'q101', last_outcome: 'answered', src: '*******000' };
    const definition = { ...DEF, figure: 'answered', service: '101', period: '2026-11-09', option: null };
    expect(funnelCallsPage({ total: 1, definition, rows: [call, { ...call, uniqueids: [1] }, null] })).toEqual({ total: 1, definition, rows: [call] });
    expect(funnelCallsPage({ total: '1', definition, rows: [] })).toBeNull();
    expect(funnelCallsPage({ total: 1, definition: {}, rows: [] })).toBeNull();
    expect(funnelCallsPage([])).toBeNull();
  });
});
