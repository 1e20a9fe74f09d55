import { describe, expect, it } from 'vitest';
import { checkJsonBounds } from './json-bounds.ts';

const fields = (n: number): string => JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, i])));

describe('checkJsonBounds', () => {
  it.each([
    ['a ticket list', '{"events":[{"ticket_id":"1","action":"opened","note":"a: b, {c} [d]"}]}', { ok: true }],
    ['32 levels', `${'['.repeat(32)}${']'.repeat(32)}`, { ok: true }],
    ['33 levels', `${'['.repeat(33)}${']'.repeat(33)}`, { ok: false, reason: 'nested deeper than 32 levels' }],
    ['100,000 levels', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`, { ok: false, reason: 'nested deeper than 32 levels' }],
    ['200 fields', fields(200), { ok: true }],
    ['201 fields', fields(201), { ok: false, reason: 'an object has more than 200 fields' }],
    ['brackets, colons and escaped quotes inside strings', JSON.stringify({ s: `\\"${'[{:'.repeat(500)}` }), { ok: true }],
    ['200 fields in each of many objects', JSON.stringify([JSON.parse(fields(200)), JSON.parse(fields(200))]), { ok: true }],
    ['an array of 10,000 numbers', JSON.stringify(Array.from({ length: 10_000 }, (_, i) => i)), { ok: true }],
  ])('%s', (_what, text, expected) => {
    expect(checkJsonBounds(text)).toEqual(expected);
  });
});
