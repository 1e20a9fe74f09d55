// The pure helpers of the processor service's storage path.
import { describe, expect, it } from 'vitest';
import type { QueueEvent } from '@tablero/ingest/contract';
import { readMessage, takeTurns } from './bus/bus.ts';
import { eventsBytes } from './service.ts';

/** eventsBytes of a message's text, as text again. */
const eventsText = (text: string): string | null => {
  const b = eventsBytes(Buffer.from(text));
  return b === null ? null : Buffer.from(b).toString('utf8');
};

const ev = (id: string, ts: number): QueueEvent => ({
  event_id: id, site: 'default', source: 's', offset: 0, ts, callid: 'c', queue: 'q', agent: 'NONE', verb: 'ENTERQUEUE',
  custom: false, wait_s: null, talk_s: null, ring_ms: null, position: null, orig_position: null, caller: '', info: '', data: [],
});

describe('eventsBytes', () => {
  it('is the events of a batch as ingest writes it, comma-separated, byte for byte', () => {
    const events = [ev('a:1', 1), ev('a:2', 2)];
    const text = JSON.stringify({ batch_id: 'a:1-2', site: 'default', events });
    expect(eventsText(text)).toBe(events.map((e) => JSON.stringify(e)).join(','));
    expect(JSON.parse(`[${eventsText(text) ?? ''}]`)).toEqual(events);
  });

  it('is not fooled by "events":[ inside a string value', () => {
    const events = [ev('a:1', 1)];
    const text = JSON.stringify({ batch_id: 'x","events":[', site: '"events":[', events });
    expect(JSON.parse(`[${eventsText(text) ?? ''}]`)).toEqual(events);
  });

  it('is a view of the received bytes, multi-byte characters whole, even inside a larger buffer', () => {
    const events = [{ ...ev('a:1', 1), caller: 'Peña ☎', data: ['ñ', '\t'] }];
    const text = JSON.stringify({ batch_id: 'a:1-1', site: 'default', events });
    const pool = Buffer.from(`xx${text}yy`);
    const data = pool.subarray(2, pool.length - 2);
    const view = eventsBytes(data);
    expect(view?.buffer).toBe(pool.buffer);
    expect(Buffer.from(view ?? []).toString('utf8')).toBe(JSON.stringify(events[0]));
  });

  it('is null when the batch is laid out otherwise (the caller then serializes the events)', () => {
    expect(eventsText(JSON.stringify({ events: [ev('a:1', 1)], batch_id: 'a:1-1', site: 'default' }))).toBeNull();
    expect(eventsText(JSON.stringify({ batch_id: 'a:1-1', site: 'default' }))).toBeNull();
    expect(eventsText('"events":[')).toBeNull();
  });
});


describe('readMessage and takeTurns (processor/src/bus)', () => {
  it('reads a JSON body, or says why it cannot', () => {
    expect(readMessage(new TextEncoder().encode('{"a":1}'))).toEqual({ ok: true, value: { a: 1 }, text: '{"a":1}' });
    const bad = readMessage(new TextEncoder().encode('{not json'));
    expect(bad.ok).toBe(false);
  });

  it('runs the functions one after the other in call order, a failure not stopping the next', async () => {
    const turns = takeTurns();
    const log: string[] = [];
    const step = (name: string, ms: number, fail = false) => () =>
      new Promise<string>((resolve, reject) => setTimeout(() => (log.push(name), fail ? reject(new Error(name)) : resolve(name)), ms));
    const a = turns(step('a', 30));
    const b = turns(step('b', 0, true));
    const c = turns(step('c', 0));
    await expect(a).resolves.toBe('a');
    await expect(b).rejects.toThrow('b');
    await expect(c).resolves.toBe('c');
    expect(log).toEqual(['a', 'b', 'c']);
  });
});
