// HTTP push core: a body of queue_log lines or CDR CSV rows from a PBX-side shipper in, batches
// on the bus out; resolves only after the bus acknowledged every line of the body. The Fastify
// route (dashboard server) authenticates the source token and calls this.
//
// Event ids, so that a retried request adds nothing:
// - With `firstOffset` (preferred): the shipper sends the byte offset of the body's first byte
//   in its file. Fingerprint = hash(site, "push", sourceName); id = fingerprint:(firstOffset +
//   position in the body). A retry of the same range gives the same ids and batch ids, however
//   it is split. The shipper must give each file its own `sourceName` (e.g. with the inode or
//   the rotation date in it), since offsets restart at 0 in a new file.
// - Without it: fingerprint = hash(site, "push", sourceName, body) and offsets inside the body.
//   A retry of the identical body is deduplicated; the same lines re-sent in a different split
//   get new ids (the processor still counts each line once by its natural key, kpi-definitions
//   §11 "Same line"), and a body sent twice on purpose counts once.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { SITE_ID_PATTERN } from '../contract.ts';
import type { IngestBus } from '../bus/port.ts';
import { BatchPublisher, PublisherStoppedError } from '../bus/publisher.ts';
import { UnknownTimeZoneError, kindSpec } from '../core/kind-registry.ts';
import { LineSplitter } from '../core/line-splitter.ts';
import { lineHandler, newCounters } from './line-handler.ts';

export interface PushRequest {
  site: string;
  sourceName: string;
  kind: 'queue_log' | 'cdr';
  /** The bytes as received (a string is taken as UTF-8; give the bytes so invalid UTF-8 is seen). */
  body: Buffer | string;
  firstOffset?: number;
  /** Zone of CDR date cells (default `UTC`). */
  timeZone?: string;
}

export interface PushResult {
  accepted: number;
  rejected: number;
}

/** The bus did not acknowledge in time (answered 503; the shipper retries the same request). */
export class PushUnavailableError extends Error {
  override name = 'PushUnavailableError';
  readonly code = 'TABLERO_ERR_PUSH_BUS';
}

/** A request the caller must fix (answered 400 by the route); `code` is stable. */
export class PushRequestError extends Error {
  override name = 'PushRequestError';
  constructor(
    readonly code: 'TABLERO_ERR_PUSH_SITE' | 'TABLERO_ERR_PUSH_OFFSET' | 'TABLERO_ERR_PUSH_SOURCE' | 'TABLERO_ERR_PUSH_TZ',
    message: string,
  ) {
    super(message);
  }
}

export function pushFingerprint(site: string, sourceName: string, body: Buffer | null): string {
  const h = createHash('sha256').update(site).update('\0push\0').update(sourceName);
  if (body) h.update('\0').update(body);
  return h.digest('hex').slice(0, 16);
}

export function createPushHandler(
  deps: { bus: IngestBus; log: Logger },
  opts: { timeoutMs?: number; clockSkewS?: number } = {},
): (req: PushRequest) => Promise<PushResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return async (req) => {
    if (!SITE_ID_PATTERN.test(req.site)) throw new PushRequestError('TABLERO_ERR_PUSH_SITE', `site id "${req.site}" is not valid`);
    if (req.sourceName.length === 0 || req.sourceName.length > 200) throw new PushRequestError('TABLERO_ERR_PUSH_SOURCE', 'source name must be 1-200 characters');
    if (req.firstOffset !== undefined && !(Number.isSafeInteger(req.firstOffset) && req.firstOffset >= 0)) {
      throw new PushRequestError('TABLERO_ERR_PUSH_OFFSET', 'firstOffset must be a non-negative integer');
    }
    let spec: ReturnType<typeof kindSpec>;
    try {
      spec = kindSpec(req.kind, req.timeZone !== undefined ? { timeZone: req.timeZone } : {});
    } catch (err) {
      if (err instanceof UnknownTimeZoneError) throw new PushRequestError('TABLERO_ERR_PUSH_TZ', err.message);
      throw err;
    }
    const bytes = typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : req.body;
    const withOffset = req.firstOffset !== undefined;
    const fingerprint = pushFingerprint(req.site, req.sourceName, withOffset ? null : bytes);
    const publisher = new BatchPublisher<unknown, number>(deps, {
      site: req.site,
      subject: spec.subject(req.site),
      deadSubject: spec.deadSubject(req.site),
      itemsField: spec.itemsField,
      ...(spec.serializer ? { serialize: spec.serializer() } : {}),
      lingerMs: 0,
      onCommit: () => undefined,
    });
    const counters = newCounters();
    const emit = lineHandler(
      spec,
      publisher,
      { site: req.site, source: `push:${req.sourceName}`, fingerprint, knownLineNumbers: false, nowS: () => Math.floor(Date.now() / 1000), ...(opts.clockSkewS !== undefined ? { clockSkewS: opts.clockSkewS } : {}) },
      counters,
    );
    const splitter = new LineSplitter(req.firstOffset ?? 0, spec.decode);
    const timer = setTimeout(() => void publisher.stop(0), timeoutMs);
    try {
      // Feed in slices so the in-flight limit bounds memory for big bodies too.
      const SLICE = 256 * 1024;
      for (let i = 0; i < bytes.length; i += SLICE) {
        splitter.push(bytes.subarray(i, Math.min(bytes.length, i + SLICE)), emit);
        await publisher.waitForSpace();
      }
      // A pushed body holds whole lines: a last line without `\n` is complete.
      splitter.end(emit);
      await publisher.flush();
    } catch (err) {
      if (err instanceof PublisherStoppedError) {
        throw new PushUnavailableError(`bus did not acknowledge the pushed lines within ${timeoutMs} ms`, { cause: err });
      }
      throw err;
    } finally {
      clearTimeout(timer);
      await publisher.stop(0);
    }
    const rejected = Object.values(counters.rejected).reduce((a, b) => a + b, 0);
    if (rejected > 0) deps.log.warn({ site: req.site, source: req.sourceName, rejected: counters.rejected }, 'pushed lines rejected');
    return { accepted: counters.accepted, rejected };
  };
}
