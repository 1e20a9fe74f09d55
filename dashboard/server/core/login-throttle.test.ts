import { describe, expect, it } from 'vitest';
import { ACCOUNT_RULE, ADDRESS_RULE, currentRun, lockMs, loginVerdict, RUN_GAP_MS, type LoginAttempt } from './login-throttle.ts';

const S = 1000;
const fail = (username: string, address: string, atMs: number): LoginAttempt => ({ ok: false, username, address, atMs });
const ok = (username: string, address: string, atMs: number): LoginAttempt => ({ ok: true, username, address, atMs });

describe('lockMs', () => {
  const RULES = { account: ACCOUNT_RULE, address: ADDRESS_RULE };
  it.each<[number, keyof typeof RULES, number]>([
    [4, 'account', 0],
    [5, 'account', 30 * S],
    [6, 'account', 60 * S],
    [9, 'account', 480 * S],
    [10, 'account', 600 * S],
    [5_000, 'account', 600 * S],
    [9, 'address', 0],
    [10, 'address', 30 * S],
    [12, 'address', 120 * S],
  ])('after %i failures (%s) -> %i ms', (failures, rule, expected) => {
    expect(lockMs(failures, RULES[rule])).toBe(expected);
  });
});

describe('currentRun', () => {
  it.each([
    [[], 100 * S, []],
    [[0, 10 * S, 20 * S], 30 * S, [0, 10 * S, 20 * S]],
    // A quiet gap of 15 min starts a new run; so does 15 min since the last failure.
    [[0, RUN_GAP_MS, RUN_GAP_MS + 1], RUN_GAP_MS + 2, [RUN_GAP_MS, RUN_GAP_MS + 1]],
    [[0, 1], 1 + RUN_GAP_MS, []],
  ])('%j at %i -> %j', (times, now, expected) => {
    expect(currentRun(times, now)).toEqual(expected);
  });
});

describe('loginVerdict', () => {
  const five = [0, 1, 2, 3, 4].map((i) => fail('ana', '10.0.0.1', i * S));
  it.each<[string, LoginAttempt[], string, string, number, { waitMs: number; scope: 'account' | 'address' | null; failures: number }]>([
    ['4 failures: no wait', five.slice(0, 4), 'ana', '10.0.0.1', 5 * S, { waitMs: 0, scope: null, failures: 4 }],
    ['5 failures: 30 s after the last', five, 'ana', '10.0.0.1', 5 * S, { waitMs: 29 * S, scope: 'account', failures: 5 }],
    ['the account lock holds from another address', five, 'ana', '10.0.0.2', 5 * S, { waitMs: 29 * S, scope: 'account', failures: 5 }],
    ['and not for another account from the same address', five, 'mario', '10.0.0.1', 5 * S, { waitMs: 0, scope: null, failures: 0 }],
    ['the lock is over 30 s after the 5th', five, 'ana', '10.0.0.2', 34 * S, { waitMs: 0, scope: null, failures: 5 }],
    ['a successful login ends the account run', [...five.slice(0, 4), ok('ana', '10.0.0.9', 3_500), five[4] as LoginAttempt], 'ana', '10.0.0.1', 5 * S, { waitMs: 0, scope: null, failures: 1 }],
    [
      '10 accounts failing from one address lock the address for all accounts',
      Array.from({ length: 10 }, (_, i) => fail(`user${i}`, '10.0.0.1', i * S)),
      'user99',
      '10.0.0.1',
      10 * S,
      { waitMs: 29 * S, scope: 'address', failures: 10 },
    ],
    [
      'a success does not clear the address',
      [...Array.from({ length: 10 }, (_, i) => fail(`user${i}`, '10.0.0.1', i * S)), ok('mine', '10.0.0.1', 9_500)],
      'user99',
      '10.0.0.1',
      10 * S,
      { waitMs: 29 * S, scope: 'address', failures: 10 },
    ],
    ['a failure in the future of the clock is not counted', [fail('ana', 'x', 10 * S)], 'ana', 'x', 5 * S, { waitMs: 0, scope: null, failures: 0 }],
  ])('%s', (_name, attempts, username, address, now, expected) => {
    expect(loginVerdict(attempts, username, address, now)).toEqual(expected);
  });

  it('doubles with each failure after the threshold, the longer lock wins', () => {
    const attempts = [...five, fail('ana', '10.0.0.2', 40 * S), fail('ana', '10.0.0.3', 110 * S)];
    // 7 failures: 120 s after the last (110 s).
    expect(loginVerdict(attempts, 'ana', '10.0.0.4', 111 * S)).toEqual({ waitMs: 119 * S, scope: 'account', failures: 7 });
  });
});
