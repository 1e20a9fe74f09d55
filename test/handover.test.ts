// Handing a batch consumer's messages over and acknowledging them (src/bus/handover.ts) without
// a NATS server: groups in stream order, acknowledged oldest first with the last ack confirmed,
// nothing acknowledged after a group that was given up, the end reason thrown.
import { describe, expect, it } from 'vitest';
import { Handover, Wakeup, type HandoverOptions, type Lifecycle } from '../src/bus/handover.ts';
import { StreamOrder, type HeldMsg } from '../src/bus/stream-order.ts';
import { FakeMsg } from './support/fake-msg.ts';

function setup(seqs: number[], o: Partial<HandoverOptions> & { maxBatch: number; maxInFlight: number }): { order: StreamOrder; log: string[]; handover: Handover; batches: number[][] } {
  const log: string[] = [];
  const batches: number[][] = [];
  const order = new StreamOrder(seqs[0] ?? 1, false);
  for (const seq of seqs) order.accept(new FakeMsg(seq, log));
  const handover = new Handover(order, new Wakeup(), {
    handle: async (msgs: HeldMsg[]) => {
      batches.push(msgs.map((m) => m.seq));
      log.push(`handled ${msgs.map((m) => m.seq).join(',')}`);
      return true;
    },
    connectionClosed: () => false,
    replaced: () => new Promise<void>(() => undefined),
    ...o,
  });
  return { order, log, handover, batches };
}

/** A pull that already ended (nothing more comes), by a stop or with `err`. */
const endedLife = (err: unknown = null): Lifecycle => ({ stopping: () => false, ended: () => true, endError: () => err });

describe('Handover', () => {
  it('hands groups over in order and acknowledges each after it was handled, its last ack confirmed', async () => {
    const { log, handover, batches } = setup([1, 2, 3], { maxBatch: 2, maxInFlight: 1 });
    await handover.run(endedLife());
    expect(batches).toEqual([[1, 2], [3]]);
    expect(log).toEqual(['handled 1,2', 'ack 1', 'confirm 2', 'handled 3', 'confirm 3']);
  });

  it('starts the next group while the oldest is still being handled, and acknowledges in order', async () => {
    let finishFirst: (ok: boolean) => void = () => undefined;
    const starts: number[] = [];
    const { handover, log } = setup([1, 2], {
      maxBatch: 1,
      maxInFlight: 2,
      handle: (msgs) => {
        const seq = msgs[0]?.seq ?? 0;
        starts.push(seq);
        return seq === 1 ? new Promise<boolean>((resolve) => (finishFirst = resolve)) : Promise.resolve(true);
      },
    });
    const running = handover.run(endedLife());
    await new Promise((r) => setTimeout(r, 10));
    // 2 is handled already; nothing is acknowledged while 1, older, is not.
    expect([starts, log]).toEqual([[1, 2], []]);
    finishFirst(true);
    await running;
    expect(log).toEqual(['confirm 1', 'confirm 2']);
  });

  it('acknowledges nothing after a group that was given up: it and the newer ones are handed back', async () => {
    const { log, handover, order } = setup([1, 2, 3], { maxBatch: 1, maxInFlight: 2, handle: async (msgs) => msgs[0]?.seq !== 1 });
    await handover.run(endedLife());
    expect(handover.failed).toBe(true);
    expect(log).toEqual(['nak 1', 'nak 2']);
    // Not handed over: left for the stop to hand back.
    expect(order.waiting.map((m) => m.seq)).toEqual([3]);
  });

  it('does not wait for a confirmation once the consumer was replaced', async () => {
    const log: string[] = [];
    const order = new StreamOrder(1, false);
    const m = new FakeMsg(1, log);
    m.confirmation = new Promise<boolean>(() => undefined); // the connection dropped: no answer comes
    order.accept(m);
    const handover = new Handover(order, new Wakeup(), { maxBatch: 5, maxInFlight: 1, handle: async () => true, connectionClosed: () => false, replaced: () => Promise.resolve() });
    await handover.run(endedLife());
    expect(log).toEqual(['confirm 1']);
  });

  it('ends with the reason the consumption ended, after settling what was handled', async () => {
    const { log, handover } = setup([1], { maxBatch: 5, maxInFlight: 1 });
    const reason = new Error('the stream T was deleted under the consumer proc');
    await expect(handover.run(endedLife(reason))).rejects.toBe(reason);
    expect(log).toEqual(['handled 1', 'confirm 1']);
  });

  it('waits for messages until woken, and stops when asked', async () => {
    const log: string[] = [];
    const order = new StreamOrder(1, false);
    const wakeup = new Wakeup();
    let stopping = false;
    const handover = new Handover(order, wakeup, { maxBatch: 5, maxInFlight: 1, handle: async (msgs) => (log.push(`handled ${msgs.map((x) => x.seq).join(',')}`), true), connectionClosed: () => false, replaced: () => Promise.resolve() });
    const running = handover.run({ stopping: () => stopping, ended: () => false, endError: () => null });
    await new Promise((r) => setTimeout(r, 10));
    order.accept(new FakeMsg(1, log));
    wakeup.wake();
    await new Promise((r) => setTimeout(r, 10));
    stopping = true;
    wakeup.wake();
    await running;
    expect(log).toEqual(['handled 1', 'confirm 1']);
  });
});
