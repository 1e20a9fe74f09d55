import { describe, expect, it } from 'vitest';
import { kioskTokenFrom, parseRoute, routeHash, wallboard, type Route } from './route.ts';

describe('parseRoute', () => {
  it.each<[string, Route]>([
    ['', wallboard()],
    ['#', wallboard()],
    ['#/', wallboard()],
    ['#/wallboard', { name: 'wallboard', queues: null, perPage: null, rotateS: 20, site: null }],
    ['#/wallboard?site=lpz', wallboard(null, null, 20, 'lpz')],
    ['#/wallboard?queues=101&site=scz-2', wallboard(['101'], null, 20, 'scz-2')],
    // Not a site id: every site, as a mistyped TV link should still show a wallboard.
    ['#/wallboard?site=a%20b', wallboard()],
    ['#/wallboard?site=', wallboard()],
    ['#/wallboard/', wallboard()],
    ['#/login', { name: 'login' }],
    ['#/login?next=x', { name: 'login' }],
    ['#/nowhere', wallboard()],
    ['#/live', { name: 'live' }],
    ['#/reports/', { name: 'reports' }],
    ['#/funnel?from=2026-11-01&to=2026-12-01', { name: 'funnel' }],
    ['#/quality-data', { name: 'quality' }],
    ['#/settings?x=1', { name: 'settings' }],
    ['#/password', { name: 'password' }],
    ['#/exports', { name: 'exports' }],
    ['#/admin/audit', { name: 'audit' }],
    ['#/admin/audit/', { name: 'audit' }],
    ['#/wallboard?queues=101,102', wallboard(['101', '102'])],
    ['#/wallboard?queues=%20Ventas%20,,soporte', wallboard(['Ventas', 'soporte'])],
    ['#/wallboard?queues=', wallboard()],
    ['#/wallboard?per_page=2&rotate_s=15', wallboard(null, 2, 15)],
    ['#/wallboard?queues=101&per_page=4', wallboard(['101'], 4, 20)],
    // Bad numbers fall back to the defaults instead of breaking a TV link.
    ['#/wallboard?per_page=0&rotate_s=1', wallboard(null, null, 20)],
    ['#/wallboard?per_page=two&rotate_s=-5', wallboard(null, null, 20)],
    ['#/wallboard?per_page=2.5&rotate_s=99999', wallboard(null, null, 20)],
  ])('%j', (hash, expected) => {
    expect(parseRoute(hash)).toEqual(expected);
  });
});

describe('routeHash', () => {
  it.each<[Route, string]>([
    [{ name: 'login' }, '#/login'],
    [{ name: 'live' }, '#/live'],
    [{ name: 'quality' }, '#/quality-data'],
    [{ name: 'exports' }, '#/exports'],
    [wallboard(), '#/wallboard'],
    [wallboard(['101', 'Cola A']), '#/wallboard?queues=101,Cola%20A'],
    [wallboard(['101'], 2, 15), '#/wallboard?queues=101&per_page=2&rotate_s=15'],
    [wallboard(null, 3), '#/wallboard?per_page=3'],
    [wallboard(['101'], null, 20, 'lpz'), '#/wallboard?queues=101&site=lpz'],
  ])('%j -> %s', (route, expected) => {
    expect(routeHash(route)).toBe(expected);
    expect(parseRoute(expected)).toEqual(route);
  });
});

describe('kioskTokenFrom', () => {
  it.each([
    ['', null],
    ['?kiosk=', null],
    ['?kiosk=%20', null],
    ['?kiosk=abc123', 'abc123'],
    ['?x=1&kiosk=t%2Bk%3D', 't+k='],
    ['?other=1', null],
  ])('%j -> %j', (search, expected) => {
    expect(kioskTokenFrom(search)).toBe(expected);
  });
});

describe('the calls list and a call story (issue 20)', () => {
  it('keeps the list query as given and round-trips it', () => {
    const r = parseRoute('#/calls?from=2026-11-01&to=2026-12-01&queue=101&queue=102&figure=sl_numerator');
    expect(r).toEqual({ name: 'calls', query: 'from=2026-11-01&to=2026-12-01&queue=101&queue=102&figure=sl_numerator' });
    expect(routeHash(r)).toBe('#/calls?from=2026-11-01&to=2026-12-01&queue=101&queue=102&figure=sl_numerator');
    expect(routeHash({ name: 'calls', query: '' })).toBe('#/calls');
  });

  it('decodes the site and the call id (dots, slashes and spaces escaped)', () => {
    const r: Route = { name: 'call', site: 'default', callid: '1793718000.12/a b' };
    expect(routeHash(r)).toBe('#/call/default/1793718000.12%2Fa%20b');
    expect(parseRoute(routeHash(r))).toEqual(r);
    expect(parseRoute('#/call/lpz/1700000000.5')).toEqual({ name: 'call', site: 'lpz', callid: '1700000000.5' });
    // A mangled escape or a missing call id is an unknown path: the wallboard.
    expect(parseRoute('#/call/lpz/%E0%A4%A').name).toBe('wallboard');
    expect(parseRoute('#/call/lpz').name).toBe('wallboard');
  });
});
