// Stream order of a batch consumer (src/bus/stream-order.ts) without a NATS server: messages
// handed over by sequence without holes, copies acknowledged with their original, holes mended
// from the stream after GAP_FETCH_MS and passed over only once the stream no longer holds them.
import { describe, expect, it } from 'vitest';
import { DetachedMsg, GAP_FETCH_MS, StreamOrder, type HeldMsg, type StreamReader } from '../src/bus/stream-order.ts';
import { FakeMsg } from './support/fake-msg.ts';

const seqs = (msgs: readonly HeldMsg[]): number[] => msgs.map((m) => m.seq);
const kinds = (msgs: readonly HeldMsg[]): string[] => msgs.map((m) => `${m.seq}${m instanceof DetachedMsg ? 'd' : ''}`);

/** A stream holding `held` sequences, reporting `first` as its first one, recording what was read. */
function stream(held: number[], first: number, reads: number[]): StreamReader {
  return {
    getMessage: async (seq) => {
      reads.push(seq);
      return held.includes(seq) ? { subject: 'pbx.t', data: new TextEncoder().encode(`m${seq}`), header: undefined } : null;
    },
    firstSeq: async () => first,
  };
}

describe('StreamOrder', () => {
  it('hands over in sequence order, holding what arrives after a hole until the hole is filled', () => {
    const log: string[] = [];
    const order = new StreamOrder(5, false);
    for (const seq of [7, 6]) order.accept(new FakeMsg(seq, log));
    expect(seqs(order.waiting)).toEqual([]);
    expect([...order.early.keys()]).toEqual([7, 6]);
    order.accept(new FakeMsg(5, log));
    expect(seqs(order.take(2))).toEqual([5, 6]);
    expect(seqs(order.take(2))).toEqual([7]);
    expect(order.next).toBe(8);
    expect(log).toEqual([]);
  });

  it('acknowledges a copy with its original, or at once when the original already was', () => {
    const log: string[] = [];
    const order = new StreamOrder(1, false);
    const first = [new FakeMsg(1, log), new FakeMsg(2, log)];
    for (const m of first) order.accept(m);
    order.accept(new FakeMsg(2, log, '2-copy'));
    order.accept(new DetachedMsg('pbx.t', new Uint8Array(), 1, undefined)); // read from the stream: nothing to settle
    expect(log).toEqual([]);
    // The group's last live message is left for the caller to acknowledge with a confirmation.
    expect(order.acknowledge(order.take(10))).toBe(first[1]);
    expect(log).toEqual(['ack 1', 'ack 2-copy']);
    expect(order.ackedThrough).toBe(2);
    order.accept(new FakeMsg(1, log, '1-late-copy'));
    expect(log).toEqual(['ack 1', 'ack 2-copy', 'ack 1-late-copy']);
  });

  it('has no holes to wait for when the consumer filters subjects', () => {
    const order = new StreamOrder(1, true);
    for (const seq of [5, 9]) order.accept(new FakeMsg(seq, []));
    expect(seqs(order.waiting)).toEqual([5, 9]);
    expect(order.next).toBe(10);
  });

  it('reads a hole from the stream once it lasted GAP_FETCH_MS', async () => {
    let now = 1_000_000;
    let woken = 0;
    const reads: number[] = [];
    const order = new StreamOrder(1, false, () => now);
    order.accept(new FakeMsg(3, []));
    const o = { ackWaitMs: 30_000, stopping: () => false, done: () => woken++ };
    now += GAP_FETCH_MS - 1;
    await order.mendGaps(stream([1, 2], 1, reads), o);
    expect([reads, woken, kinds(order.waiting)]).toEqual([[], 0, []]);
    now += 1;
    await order.mendGaps(stream([1, 2], 1, reads), o);
    expect([reads, woken, kinds(order.waiting)]).toEqual([[1, 2], 1, ['1d', '2d', '3']]);
  });

  it('passes over a message the stream does not hold only once its redelivery could have come', async () => {
    let now = 1_000_000;
    const reads: number[] = [];
    const order = new StreamOrder(1, false, () => now);
    order.accept(new FakeMsg(3, []));
    const o = { ackWaitMs: 30_000, stopping: () => false, done: () => undefined };
    now += GAP_FETCH_MS;
    await order.mendGaps(stream([2], 1, reads), o);
    // "No such message" for 1 before ack_wait + 2 s: it may still be redelivered, so it is waited for.
    expect([reads, kinds(order.waiting), order.next]).toEqual([[1], [], 1]);
    now += 30_000 + 2_000;
    await order.mendGaps(stream([2], 1, reads), o);
    expect([reads, kinds(order.waiting), order.next]).toEqual([[1, 1, 2], ['2d', '3'], 4]);
  });

  it('starts after what the stream dropped, settling held ones below its first sequence like copies', async () => {
    let now = 1_000_000;
    const log: string[] = [];
    const order = new StreamOrder(1, false, () => now);
    order.accept(new FakeMsg(3, log));
    order.accept(new FakeMsg(6, log));
    now += 30_000 + 2_000;
    // The stream now starts at 5: 1 to 4 are gone, 3 among them.
    await order.mendGaps(stream([5], 5, []), { ackWaitMs: 30_000, stopping: () => false, done: () => undefined });
    expect([kinds(order.waiting), order.next, [...order.early.keys()]]).toEqual([['5d', '6'], 7, []]);
    // 3 is above ackedThrough (0): it waits to be acknowledged with the group that covers it.
    expect(log).toEqual([]);
  });

  it('detaches what it holds from a consumer going away, and hands back what it holds at a stop', () => {
    const log: string[] = [];
    const order = new StreamOrder(1, false);
    for (const seq of [1, 3]) order.accept(new FakeMsg(seq, log));
    order.detach();
    expect(kinds(order.held())).toEqual(['1d', '3d']);
    const other = new StreamOrder(1, false);
    for (const seq of [1, 3]) other.accept(new FakeMsg(seq, log));
    other.handBack();
    expect([log, other.held()]).toEqual([['nak 1', 'nak 3'], []]);
  });
});
