// `tablero import` without NATS reads and parses its files in a worker thread (issue 18: both
// cores busy): the worker runs ingest's importFiles as it always ran, on a bus that forwards each
// publish to the main thread, where the in-process bus hands it to the processor (reducers,
// stint machine, inserts). The message bytes are what ingest would have published (the same
// batches, ids and order); a publish resolves in the worker once the main thread's bus resolved
// it, i.e. once the processor stored the message. So the reading keeps the same bounded window
// and the same exactly-once behaviour as in one thread: a crash (SIGKILL takes both threads)
// loses only unstored messages, which a re-run publishes again and the processor dedups.
import { Worker, parentPort, workerData, type MessagePort } from 'node:worker_threads';
// The import module alone, not the package index: the worker does not load the other sources
// (the MySQL client among them) a second time.
import { ImportError, importFiles, type ImportOptions, type ImportProgress, type ImportSummary } from '@tablero/ingest/import';
import type { IngestBus, PublishAck } from '@tablero/ingest';
import { createLogger } from '../log.ts';

type StreamSpec = Parameters<IngestBus['ensureStream']>[0];
/** What the import options carry across the thread boundary (no callbacks). */
export type ThreadImportOptions = Omit<ImportOptions, 'onProgress'>;

type ToMain =
  | { t: 'ensure'; id: number; spec: StreamSpec }
  | { t: 'pub'; id: number; subject: string; data: Uint8Array; msgId: string }
  | { t: 'progress'; p: ImportProgress }
  | { t: 'done'; summary: ImportSummary }
  | { t: 'fail'; importError: boolean; message: string; cause?: string };
type ToWorker = { t: 'ok'; id: number; duplicate?: boolean } | { t: 'err'; id: number; message: string };

/** The worker's side of the bus: every call answered by the main thread. */
class PortBus implements IngestBus {
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (ack: PublishAck) => void; reject: (err: Error) => void }>();
  constructor(private readonly port: MessagePort) {
    port.on('message', (m: ToWorker) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.t === 'ok') w.resolve(m.duplicate ? { duplicate: true } : {});
      else w.reject(new Error(m.message));
    });
  }
  private ask(msg: ToMain & { id: number }, transfer: ArrayBuffer[] = []): Promise<PublishAck> {
    return new Promise((resolve, reject) => {
      this.waiting.set(msg.id, { resolve, reject });
      this.port.postMessage(msg, transfer);
    });
  }
  async ensureStream(spec: StreamSpec): Promise<void> {
    await this.ask({ t: 'ensure', id: this.next++, spec });
  }
  publish(subject: string, data: Uint8Array, msgId: string): Promise<PublishAck> {
    // The publisher reuses `data` once the promise resolved: the copy moves to the main thread.
    const copy = data.slice();
    return this.ask({ t: 'pub', id: this.next++, subject, data: copy, msgId }, [copy.buffer as ArrayBuffer]);
  }
}

/** Worker side: runs by src/commands/import-worker.mjs. */
export async function runImportThread(): Promise<void> {
  const port = parentPort as MessagePort;
  const { opts, logLevel } = workerData as { opts: ThreadImportOptions; logLevel: string };
  const post = (m: ToMain): void => port.postMessage(m);
  try {
    const summary = await importFiles({ bus: new PortBus(port), log: createLogger(logLevel, 'tablero-import') }, { ...opts, onProgress: (p) => post({ t: 'progress', p }) });
    post({ t: 'done', summary });
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? { cause: err.cause.message } : {};
    post({ t: 'fail', importError: err instanceof ImportError, message: err instanceof Error ? err.message : String(err), ...cause });
  }
  port.close();
}

/**
 * Main side: importFiles in a worker thread, publishing on `bus` here. `summary` resolves with
 * the worker's summary or rejects with its error (an ImportError stays one); `stop` ends the
 * thread whatever it is doing (after the summary, or when the store could not be opened).
 */
export function importInThread(
  bus: IngestBus,
  opts: ThreadImportOptions,
  logLevel: string,
  onProgress: (p: ImportProgress) => void,
): { summary: Promise<ImportSummary>; stop(): Promise<void> } {
  const worker = new Worker(new URL('./import-worker.mjs', import.meta.url), { workerData: { opts, logLevel } });
  const summary = new Promise<ImportSummary>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      fn();
    };
    const answer = (m: ToWorker): void => worker.postMessage(m);
    worker.on('message', (m: ToMain) => {
      switch (m.t) {
        case 'ensure':
          bus.ensureStream(m.spec).then(() => answer({ t: 'ok', id: m.id }), (err: unknown) => answer({ t: 'err', id: m.id, message: String(err) }));
          break;
        case 'pub':
          bus.publish(m.subject, m.data, m.msgId).then(
            (ack) => answer({ t: 'ok', id: m.id, ...(ack && ack.duplicate ? { duplicate: true } : {}) }),
            (err: unknown) => answer({ t: 'err', id: m.id, message: err instanceof Error ? err.message : String(err) }),
          );
          break;
        case 'progress':
          onProgress(m.p);
          break;
        case 'done':
          settle(() => resolve(m.summary));
          break;
        case 'fail':
          settle(() => {
            // The CLI prints the message and its cause's message, as for an error of this thread.
            const cause = m.cause !== undefined ? { cause: new Error(m.cause) } : undefined;
            reject(m.importError ? new ImportError(m.message, cause) : new Error(m.message, cause));
          });
          break;
      }
    });
    worker.on('error', (err) => settle(() => reject(err)));
    worker.on('exit', (code) => settle(() => reject(new Error(`the import thread ended (${code}) before its summary`))));
  });
  summary.catch(() => undefined); // the caller awaits it, maybe after opening the store
  return {
    summary,
    async stop() {
      await worker.terminate();
    },
  };
}
