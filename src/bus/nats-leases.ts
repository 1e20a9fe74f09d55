// Leases in a JetStream KV bucket (the stream layout of a NATS KV bucket: stream KV_<bucket>,
// subjects $KV.<bucket>.<key>, one message kept per key, max_age = the lease TTL), written with
// compare-and-set: every write names the revision (stream sequence of the key's last message) it
// replaces, so of two writers racing for one key exactly one wins. A key not renewed within the
// TTL is removed by the server itself, which is what frees the lease of a dead holder. Read and
// written through @nats-io/jetstream alone; `nats kv` tools can read the bucket.
import { JetStreamApiError, RetentionPolicy, StorageType, DiscardPolicy, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { headers, nanos } from '@nats-io/nats-core';

/** A key's current value and revision; `value` null when it was deleted (a tombstone). */
export interface LeaseEntry {
  key: string;
  value: string | null;
  revision: number;
}

export interface LeaseStore {
  /** Every live key under `prefix` (tombstones included, value null). */
  list(prefix: string): Promise<LeaseEntry[]>;
  /**
   * Writes `value` if the key's revision is still `revision` (0: the key has no message); the new
   * revision, or null when another writer came first (or the key expired meanwhile).
   */
  put(key: string, value: string, revision: number): Promise<number | null>;
  /** Deletes (tombstone) if the revision is still `revision`; false when it was not. */
  remove(key: string, revision: number): Promise<boolean>;
}

const WRONG_LAST_SEQUENCE = 10071;
const OPERATION_HEADER = 'KV-Operation';

export async function openLeaseStore(
  js: JetStreamClient,
  jsm: JetStreamManager,
  bucket: string,
  opts: { ttlMs: number; replicas: number },
): Promise<LeaseStore> {
  const stream = `KV_${bucket}`;
  const root = `$KV.${bucket}.`;
  const config = {
    name: stream,
    subjects: [`${root}>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.New,
    max_msgs_per_subject: 1,
    max_age: nanos(opts.ttlMs),
    num_replicas: opts.replicas,
    allow_rollup_hdrs: true,
    deny_delete: true,
    allow_direct: true,
    duplicate_window: nanos(Math.min(opts.ttlMs, 120_000)),
  };
  try {
    await jsm.streams.info(stream);
    await jsm.streams.update(stream, config);
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === 10059)) throw err;
    await jsm.streams.add(config);
  }

  const write = async (key: string, value: string, revision: number, deleted: boolean): Promise<number | null> => {
    const h = headers();
    if (deleted) h.set(OPERATION_HEADER, 'DEL');
    try {
      const ack = await js.publish(`${root}${key}`, deleted ? new Uint8Array() : new TextEncoder().encode(value), {
        headers: h,
        expect: { lastSubjectSequence: revision },
        timeout: 5_000,
      });
      return ack.seq;
    } catch (err) {
      if (err instanceof JetStreamApiError && err.code === WRONG_LAST_SEQUENCE) return null;
      throw err;
    }
  };

  return {
    async list(prefix) {
      const info = await jsm.streams.info(stream, { subjects_filter: `${root}${prefix}>` });
      const subjects = Object.keys(info.state.subjects ?? {});
      const out: LeaseEntry[] = [];
      for (const subject of subjects) {
        try {
          const m = await jsm.streams.getMessage(stream, { last_by_subj: subject });
          if (!m) continue;
          const deleted = m.header?.get(OPERATION_HEADER) === 'DEL';
          out.push({ key: subject.slice(root.length), value: deleted ? null : m.string(), revision: m.seq });
        } catch (err) {
          // Expired between the listing and the read.
          if (err instanceof JetStreamApiError && err.code === 10037) continue;
          throw err;
        }
      }
      return out;
    },
    put: (key, value, revision) => write(key, value, revision, false),
    remove: async (key, revision) => (await write(key, '', revision, true)) !== null,
  };
}
