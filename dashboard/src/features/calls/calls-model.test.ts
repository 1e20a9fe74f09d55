import { describe, expect, it } from 'vitest';
import { RowCounter, callAgents, downloadName, downloadUrl, filtersOf, formatWhen, pageUrl, skewNotes, withFilters } from './calls-model.ts';

const Q = 'from=2026-11-01&to=2026-12-01&queue=101&figure=abandoned&period=2026-11-03&limit=5&cursor=abc';

describe('calls list model', () => {
  it('reads the filters from the query and writes them back, keeping range, figure and period', () => {
    const f = filtersOf(`${Q}&queue=102&within_t=no&agent=Ana&order=oldest&outcome=timeout`);
    expect(f).toEqual({ queues: '101, 102', outcome: 'timeout', within: 'no', agent: 'Ana', order: 'oldest' });
    expect(withFilters(Q, { ...f, queues: '103', order: 'newest', agent: ' ' })).toBe('from=2026-11-01&to=2026-12-01&figure=abandoned&period=2026-11-03&queue=103&outcome=timeout&within_t=no');
    expect(filtersOf(`${Q}&order=longest_wait`).order).toBe('longest_wait');
    expect(filtersOf(`${Q}&order=longest_talk`).order).toBe('longest_talk');
    expect(filtersOf(`${Q}&order=sideways`).order).toBe('newest');
    expect(withFilters(Q, { ...f, order: 'longest_wait' })).toContain('&order=longest_wait');
  });

  it('page and download paths: the page carries limit and cursor, the downloads the whole list in the user language', () => {
    expect(pageUrl(Q, null)).toBe('/api/calls?from=2026-11-01&to=2026-12-01&queue=101&figure=abandoned&period=2026-11-03&limit=50');
    expect(pageUrl(Q, 'xyz', 10)).toBe('/api/calls?from=2026-11-01&to=2026-12-01&queue=101&figure=abandoned&period=2026-11-03&limit=10&cursor=xyz');
    expect(downloadUrl(Q, 'csv', 'es')).toBe('/api/calls.csv?from=2026-11-01&to=2026-12-01&queue=101&figure=abandoned&period=2026-11-03&lang=es');
    expect(downloadUrl(Q, 'xlsx', 'en')).toBe('/api/calls.xlsx?from=2026-11-01&to=2026-12-01&queue=101&figure=abandoned&period=2026-11-03');
    expect(downloadName(Q, 'csv')).toBe('llamadas-abandoned-2026-11-03-2026-12-01.csv');
  });

  it('counts CSV rows across chunks, without the header', () => {
    const c = new RowCounter();
    for (const chunk of ['\uFEFFa;b\r\n1;', '2\r\n3;4', '\r\n']) c.add(chunk);
    expect(c.rows).toBe(2);
    expect(new RowCounter().rows).toBe(0);
  });

  it("writes times in the list's zone in the user's locale", () => {
    expect(formatWhen('es-BO', '2026-11-03T14:20:05Z', 'America/La_Paz')).toBe('03/11/2026, 10:20:05');
    expect(formatWhen('en', '2026-11-03T14:20:05Z', 'America/Bogota')).toBe('11/03/2026, 09:20:05');
  });

  it('skew notes and agents of a story', () => {
    const r = (reason: string) => ({ source: 's', offset: 0, line_no: 1, raw: '', reason, rejected_at: '' });
    expect(skewNotes([r('bad_verb'), r('epoch_in_future'), r('epoch_before_2000')]).map((x) => x.reason)).toEqual(['epoch_in_future', 'epoch_before_2000']);
    expect(callAgents([{ agent: 'NONE' }, { agent: 'SIP/1' }, { agent: 'SIP/2' }], [{ agent: '' }, { agent: 'SIP/1' }, { agent: 'Ana' }])).toEqual(['SIP/1', 'SIP/2', 'Ana']);
  });
});
