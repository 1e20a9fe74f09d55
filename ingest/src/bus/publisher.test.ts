import { describe, expect, it } from 'vitest';
import { RecordingBus, captureLog, waitFor } from '../test-support.ts';
import { BatchPublisher, type PublisherOptions } from './publisher.ts';

interface Item {
  n: number;
  s: string;
}

function publisher(bus: RecordingBus, opts: Partial<PublisherOptions<Item, number>> = {}): { p: BatchPublisher<Item, number>; commits: number[] } {
  const commits: number[] = [];
  const p = new BatchPublisher<Item, number>(
    { bus, log: captureLog().log },
    { site: 'hq', subject: 'pbx.events.hq', deadSubject: 'pbx.dead.hq', itemsField: 'events', lingerMs: 600_000, onCommit: (m) => commits.push(m), ...opts },
  );
  return { p, commits };
}

/** A promise and its resolver: a bus that holds every publish until released. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

describe('BatchPublisher', () => {
  it('cuts batches by exact JSON bytes under maxBytes, each body equal to JSON.stringify of its envelope', async () => {
    const bus = new RecordingBus();
    const { p, commits } = publisher(bus, { maxBytes: 2_000, maxItems: 1_000 });
    const items: Item[] = Array.from({ length: 100 }, (_, n) => ({ n, s: n % 4 === 0 ? `ñ€ "${n}"` : 'x'.repeat(n % 30) }));
    for (const it of items) p.add('fp', it.n * 10, it, it.n * 10 + 9);
    await p.flush();
    const bodies = bus.messages.map((m) => JSON.parse(m.text) as { batch_id: string; site: string; events: Item[] });
    expect(bodies.flatMap((b) => b.events)).toEqual(items);
    for (const [i, m] of bus.messages.entries()) {
      const b = bodies[i] as { batch_id: string; events: Item[] };
      expect(m.text).toBe(JSON.stringify({ batch_id: b.batch_id, site: 'hq', events: b.events }));
      expect(b.batch_id).toBe(`fp:${(b.events[0] as Item).n * 10}-${(b.events.at(-1) as Item).n * 10}`);
      expect(Buffer.byteLength(m.text)).toBeLessThanOrEqual(2_000);
      // The items (without the brackets) fill at most maxBytes minus the 600 bytes kept for the
      // envelope, and the first item of the next batch would not have fitted.
      const itemBytes = Buffer.byteLength(JSON.stringify(b.events)) - 2;
      expect(itemBytes).toBeLessThanOrEqual(1_400);
      const next = bodies[i + 1]?.events[0];
      if (next) expect(itemBytes + 1 + Buffer.byteLength(JSON.stringify(next))).toBeGreaterThan(1_400);
    }
    expect(bus.messages.length).toBe(3);
    expect(commits).toEqual(bodies.map((b) => (b.events.at(-1) as Item).n * 10 + 9));
  });

  it('uses the given serializer and passes it the plain flag', async () => {
    const bus = new RecordingBus();
    const seen: boolean[] = [];
    const { p } = publisher(bus, {
      serialize: (item, plain) => {
        seen.push(plain);
        return JSON.stringify(item);
      },
    });
    p.add('fp', 0, { n: 1, s: 'a' }, 1, true);
    p.add('fp', 1, { n: 2, s: 'b' }, 2);
    await p.flush();
    expect(seen).toEqual([true, false]);
    expect(bus.messages[0]?.text).toBe('{"batch_id":"fp:0-1","site":"hq","events":[{"n":1,"s":"a"},{"n":2,"s":"b"}]}');
  });

  it('sealSoon publishes at once when nothing is in flight, else when the batch in flight is acknowledged', async () => {
    const bus = new RecordingBus();
    const { p } = publisher(bus);
    const g = gate();
    bus.gate = g.promise;
    p.add('fp', 0, { n: 0, s: '' }, 1);
    p.sealSoon();
    expect([p.pending, bus.attempts]).toEqual([1, 1]); // sealed and sent (held by the gate)
    p.add('fp', 1, { n: 1, s: '' }, 2);
    p.add('fp', 2, { n: 2, s: '' }, 3);
    p.sealSoon();
    // The open batch waits for the first ack: still one publish attempt only.
    expect([p.pending, bus.attempts]).toEqual([2, 1]);
    bus.gate = null;
    g.open();
    await waitFor('both batches', () => bus.messages.length === 2);
    expect(bus.messages.map((m) => m.msgId)).toEqual(['fp:0-0', 'fp:1-2']);
    expect(p.pending).toBe(0);
  });

  it('holds the producer when maxInFlight batches wait for their ack, and releases it after the ack', async () => {
    const bus = new RecordingBus();
    const { p } = publisher(bus, { maxItems: 1, maxInFlight: 2 });
    const g = gate();
    bus.gate = g.promise;
    p.add('fp', 0, { n: 0, s: '' }, 1);
    expect(p.full).toBe(false);
    p.add('fp', 1, { n: 1, s: '' }, 2);
    expect(p.full).toBe(true);
    let released = false;
    const space = p.waitForSpace().then(() => (released = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(released).toBe(false);
    bus.gate = null;
    g.open();
    await space;
    expect(released).toBe(true);
    await p.flush();
  });

  it('retries a failed publish with the same bytes and id, and counts what the bus reports as duplicate', async () => {
    const bus = new RecordingBus();
    const { p, commits } = publisher(bus);
    bus.failNext = 2;
    p.add('fp', 0, { n: 0, s: 'a' }, 7);
    await p.flush();
    expect(bus.attempts).toBe(3);
    expect(p.stats).toEqual({ batches: 1, messages: 1, retries: 2, duplicateItems: 0 });
    expect(commits).toEqual([7]);
    const again = publisher(bus);
    again.p.add('fp', 0, { n: 0, s: 'a' }, 7);
    again.p.add('fp', 5, { n: 5, s: 'b' }, 9);
    await again.p.flush();
    expect(again.p.stats.duplicateItems).toBe(0); // another range: another id
    const same = publisher(bus);
    same.p.add('fp', 0, { n: 0, s: 'a' }, 7);
    await same.p.flush();
    expect(same.p.stats.duplicateItems).toBe(1);
    expect(bus.messages.map((m) => m.msgId)).toEqual(['fp:0-0', 'fp:0-5']);
  });
});
