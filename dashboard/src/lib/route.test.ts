import { describe, expect, it } from 'vitest';
import { kioskTokenFrom, parseRoute, routeHash, type Route } from './route.ts';

describe('parseRoute', () => {
  it.each<[string, Route]>([
    ['', { name: 'wallboard', queues: null }],
    ['#', { name: 'wallboard', queues: null }],
    ['#/', { name: 'wallboard', queues: null }],
    ['#/wallboard', { name: 'wallboard', queues: null }],
    ['#/wallboard/', { name: 'wallboard', queues: null }],
    ['#/login', { name: 'login' }],
    ['#/login?next=x', { name: 'login' }],
    ['#/nowhere', { name: 'wallboard', queues: null }],
    ['#/wallboard?queues=101,102', { name: 'wallboard', queues: ['101', '102'] }],
    ['#/wallboard?queues=%20Ventas%20,,soporte', { name: 'wallboard', queues: ['Ventas', 'soporte'] }],
    ['#/wallboard?queues=', { name: 'wallboard', queues: null }],
  ])('%j', (hash, expected) => {
    expect(parseRoute(hash)).toEqual(expected);
  });
});

describe('routeHash', () => {
  it.each<[Route, string]>([
    [{ name: 'login' }, '#/login'],
    [{ name: 'wallboard', queues: null }, '#/wallboard'],
    [{ name: 'wallboard', queues: ['101', 'Cola A'] }, '#/wallboard?queues=101,Cola%20A'],
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
