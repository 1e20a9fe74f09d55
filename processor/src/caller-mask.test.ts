import { describe, expect, it } from 'vitest';
import { maskCaller } from './caller-mask.ts';

describe('maskCaller', () => {
  it.each([
    ['3001234567', '*******567'],
    ['70012345', '*****345'],
    ['+59170012345', '*********345'],
    ['1234', '*234'],
    ['123', '***'],
    ['', ''],
  ])('masks %s as %s', (caller, masked) => {
    expect(maskCaller(caller)).toBe(masked);
  });
});
