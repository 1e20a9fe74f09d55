// Stores contact batches and rejected contact rows from the contacts stream
// (`contacts.records.<site>`, `contacts.dead.<site>`, TABLERO_CONTACTS). Messages are taken in
// groups and written as one insert per table: a part per message would cost more than the rows.
// A group is acknowledged only after its inserts succeeded; the inserts are idempotent (dedup token
// = the group's batch ids, ReplacingMergeTree(version) on (site, contact_id)).
import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { CONTACTS_CONSUMER, CONTACTS_DEAD_SUBJECT_PREFIX, CONTACTS_STREAM, CONTACTS_STREAM_SPEC, CONTACTS_SUBJECT_PREFIX, type ContactBatchHeader, type DeadLetter, type DeadLetterBatch } from '@tablero/ingest/contract';
import type { ClickHouse } from '@tablero/sql';
import { readMessage, type ProcessorBus } from '../bus/bus.ts';
import { insertContactDeadLetters, insertContacts } from './store/contact-store.ts';

export interface ContactConsumer {
  stop(): Promise<void>;
  /** Settles when its consumption ends: resolves after stop(), rejects with the reason if it died. */
  done: Promise<void>;
  counters(): { messages: number; contacts: number; dead: number; bad_messages: number };
}

/** Messages per insert: 64 x 2,000 contacts at most. */
const MAX_GROUP = 64;

export async function startContactConsumer(deps: { bus: ProcessorBus; ch: ClickHouse; log: Logger }, opts: { maxGroup?: number } = {}): Promise<ContactConsumer> {
  const { bus, ch, log } = deps;
  const counters = { messages: 0, contacts: 0, dead: 0, bad_messages: 0 };
  await bus.ensureStream(CONTACTS_STREAM_SPEC);
  const consumption = await bus.consumeBatches(
    // The whole stream (records and dead letters): a filtered consumer could take one message at a time only.
    { stream: CONTACTS_STREAM, durable: CONTACTS_CONSUMER, maxBatch: opts.maxGroup ?? MAX_GROUP, maxAckPending: (opts.maxGroup ?? MAX_GROUP) * 2 },
    async (msgs) => {
      const rows: Buffer[] = [];
      let contacts = 0;
      const dead: DeadLetter[] = [];
      const ids: string[] = [];
      const deadIds: string[] = [];
      for (const msg of msgs) {
        if (msg.subject.startsWith(`${CONTACTS_SUBJECT_PREFIX}.`)) {
          // Header line, then the rows (JSON arrays in CONTACT_COLUMNS order): stored as they came (never parsed here).
          const data = Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength);
          const nl = data.indexOf(10);
          const head = nl > 0 ? readMessage(data.subarray(0, nl)) : null;
          const n = head?.ok ? (head.value as Partial<ContactBatchHeader>).contacts : undefined;
          if (typeof n === 'number') {
            rows.push(data.subarray(nl + 1));
            contacts += n;
            ids.push(msg.msgId);
            continue;
          }
          counters.bad_messages += 1;
          log.error({ subject: msg.subject, msg_id: msg.msgId }, 'unreadable contact message skipped');
          continue;
        }
        const read = readMessage(msg.data);
        const body = read.ok ? (read.value as Record<string, unknown>) : null;
        if (body && msg.subject.startsWith(`${CONTACTS_DEAD_SUBJECT_PREFIX}.`) && Array.isArray(body['dead'])) {
          dead.push(...(body as unknown as DeadLetterBatch).dead);
          deadIds.push(msg.msgId);
        } else {
          // Retrying cannot fix it and would block the stream: count, log, acknowledge.
          counters.bad_messages += 1;
          log.error({ subject: msg.subject, msg_id: msg.msgId }, 'unreadable contact message skipped');
        }
      }
      // The same group is redelivered whole after a failure, so the tokens repeat exactly.
      if (rows.length > 0) await insertContacts(ch, Buffer.concat(rows), `contacts:${ids.join(',')}`.slice(0, 4000));
      await insertContactDeadLetters(ch, dead, `contact-dead:${deadIds.join(',')}`.slice(0, 4000));
      counters.messages += msgs.length;
      counters.contacts += contacts;
      counters.dead += dead.length;
    },
    (err, msgs) => log.warn({ err, messages: msgs.length }, 'contact batch not stored, will retry'),
  );
  consumption.done.catch((err: unknown) => log.error({ err }, 'contact consumption died'));
  log.info({ stream: CONTACTS_STREAM, durable: CONTACTS_CONSUMER }, 'contact consumer started');
  return {
    done: consumption.done,
    counters: () => ({ ...counters }),
    async stop() {
      await consumption.stop();
      log.info({ ...counters }, 'contact consumer stopped');
    },
  };
}
