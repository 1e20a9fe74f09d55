import { describe, expect, it } from 'vitest';
import { originAllowed } from './origin.ts';

describe('originAllowed', () => {
  it.each([
    [undefined, 'localhost:8080', [], true],
    ['http://localhost:8080', 'localhost:8080', [], true],
    ['https://wall.example.com', 'wall.example.com', [], true],
    ['https://wall.example.com', 'wall.example.com:443', [], true],
    ['HTTP://LOCALHOST:8080', 'localhost:8080', [], true],
    ['http://localhost:5173', 'localhost:8080', ['http://localhost:5173'], true],
    ['http://evil.example', 'localhost:8080', [], false],
    ['http://localhost:8081', 'localhost:8080', [], false],
    ['null', 'localhost:8080', [], false],
    ['file://x', 'localhost:8080', [], false],
    ['http://localhost:8080', undefined, [], false],
  ] as const)('origin %s host %s allowed %j -> %s', (origin, host, allowed, expected) => {
    expect(originAllowed(origin, host, allowed)).toBe(expected);
  });
});
