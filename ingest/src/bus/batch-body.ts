// The JSON body of one batch message, built item by item straight into a byte buffer:
// `{"batch_id":...,"site":...,"<field>":[item,item,...]}`. Items are written as they come, so a
// batch waiting for more lines or for its ack holds one compact buffer instead of thousands of
// objects (RSS, GC), and sealing costs no JSON.stringify of the whole batch. The envelope is
// written last, into room kept before the first item, because the batch id names the last
// offset. The bytes equal `JSON.stringify({ batch_id, site, [field]: items })`.
import { jsonString } from '../core/event-json.ts';

/** Room before the items for the envelope (batch id and site are short tokens). */
const HEAD_ROOM = 512;
/** `]}` after the items. */
const TAIL = 2;
const FIRST_CAPACITY = 64 * 1024;
const EMPTY = Buffer.alloc(0);

/** Items are gathered as text up to this many UTF-16 units, then written to the buffer in one call. */
const FLUSH_UNITS = 32 * 1024;

/**
 * Body buffers of acknowledged batches, kept for the next batches. A body lives from its first
 * item to its ack, long enough to be promoted to V8's old generation, so without reuse every
 * (up to 1 MB) body waits for a full GC: tens of MB of dead buffers at any time of a bulk import.
 */
export class BodyPool {
  private readonly free: Buffer[] = [];

  constructor(private readonly max: number) {}

  take(size: number): Buffer {
    for (let i = this.free.length - 1; i >= 0; i--) {
      const b = this.free[i] as Buffer;
      if (b.length >= size) {
        this.free.splice(i, 1);
        return b;
      }
    }
    return Buffer.allocUnsafe(size);
  }

  give(buf: Buffer): void {
    if (this.free.length < this.max) this.free.push(buf);
  }
}

export class BatchBody {
  private buf: Buffer;
  /** End of the items written to `buf`. */
  private pos = HEAD_ROOM;
  /** Items (with their separating commas) not yet written to `buf`. */
  private text = '';
  private n = 0;

  /**
   * `capacity`: bytes to take at first (e.g. the size of the previous batch); grows up to the
   * limit. `pool`: where buffers come from and go back to (`release`).
   */
  constructor(
    private readonly limit: number,
    capacity = FIRST_CAPACITY,
    private readonly pool: BodyPool | null = null,
  ) {
    this.buf = this.alloc(HEAD_ROOM + Math.min(Math.max(capacity, 1024), limit) + TAIL);
  }

  /**
   * Hands the buffer back for reuse: only once the bytes from `finish` are no longer needed
   * (the bus acknowledged them). The body is unusable after this.
   */
  release(): void {
    this.pool?.give(this.buf);
    this.buf = EMPTY;
  }

  get count(): number {
    return this.n;
  }

  /**
   * Appends one JSON value. Returns false, and appends nothing, when it would take the items
   * past the byte limit and the body already holds an item (then the caller seals this batch
   * and starts a new one). A single item larger than the limit is taken alone. The cut is exact
   * in bytes, so the same items always give the same batches.
   */
  push(json: string): boolean {
    const sep = this.n > 0 ? 1 : 0;
    // A UTF-16 unit is at most 3 UTF-8 bytes: while even the worst case fits, just gather the
    // text (no native call per item); near the limit, count exactly.
    if (this.pos - HEAD_ROOM + (this.text.length + sep + json.length) * 3 <= this.limit) {
      this.text += sep ? `,${json}` : json;
      this.n += 1;
      if (this.text.length >= FLUSH_UNITS) this.flushText();
      return true;
    }
    this.flushText();
    const len = Buffer.byteLength(json, 'utf8');
    if (this.n > 0 && this.pos - HEAD_ROOM + sep + len > this.limit) return false;
    this.reserve(this.pos + sep + len + TAIL);
    if (sep) this.buf[this.pos] = 0x2c; // ,
    this.pos += sep + this.buf.write(json, this.pos + sep, 'utf8');
    this.n += 1;
    return true;
  }

  /** Bytes of the items so far and their separating commas. */
  get bytes(): number {
    this.flushText();
    return this.pos - HEAD_ROOM;
  }

  /** The message bytes. The body is done after this. */
  finish(batchId: string, site: string, field: string): Buffer {
    this.flushText();
    this.buf[this.pos] = 0x5d; // ]
    this.buf[this.pos + 1] = 0x7d; // }
    const end = this.pos + TAIL;
    const head = Buffer.from(`{"batch_id":${jsonString(batchId)},"site":${jsonString(site)},${jsonString(field)}:[`, 'utf8');
    if (head.length <= HEAD_ROOM) {
      head.copy(this.buf, HEAD_ROOM - head.length);
      return this.buf.subarray(HEAD_ROOM - head.length, end);
    }
    return Buffer.concat([head, this.buf.subarray(HEAD_ROOM, end)]);
  }

  private flushText(): void {
    if (this.text.length === 0) return;
    const worst = this.text.length * 3;
    this.reserve(this.pos + (this.pos + worst + TAIL <= this.buf.length ? worst : Buffer.byteLength(this.text, 'utf8')) + TAIL);
    this.pos += this.buf.write(this.text, this.pos, 'utf8');
    this.text = '';
  }

  private reserve(size: number): void {
    if (size <= this.buf.length) return;
    let cap = this.buf.length;
    while (cap < size) cap *= 2;
    // Never keep much more than one full batch: the limit plus the item that passed it.
    cap = Math.max(size, Math.min(cap, HEAD_ROOM + this.limit + TAIL));
    const next = this.alloc(cap);
    this.buf.copy(next, 0, 0, this.pos);
    this.pool?.give(this.buf);
    this.buf = next;
  }

  private alloc(size: number): Buffer {
    return this.pool ? this.pool.take(size) : Buffer.allocUnsafe(size);
  }
}
