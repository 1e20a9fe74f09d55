// A delivered JetStream message as stream-order.ts and handover.ts see it, recording what was
// done with it in a shared log ("ack 3", "nak 3", "confirm 3").
import type { LiveMsg } from '../../src/bus/stream-order.ts';

export class FakeMsg implements LiveMsg {
  readonly subject = 'pbx.t';
  readonly data: Uint8Array;
  readonly headers = undefined;
  readonly info = { deliveryCount: 1 };
  /** What ackAck answers; a never-settling promise stands for a confirmation that is not coming. */
  confirmation: Promise<boolean> = Promise.resolve(true);

  constructor(
    readonly seq: number,
    private readonly log: string[],
    private readonly name = String(seq),
  ) {
    this.data = new TextEncoder().encode(`m${seq}`);
  }

  ack(): void {
    this.log.push(`ack ${this.name}`);
  }
  nak(): void {
    this.log.push(`nak ${this.name}`);
  }
  working(): void {}
  ackAck(): Promise<boolean> {
    this.log.push(`confirm ${this.name}`);
    return this.confirmation;
  }
}
