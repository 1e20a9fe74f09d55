// HTTP push of PBX lines (POST /ingest/queue-log, /ingest/cdr): plain text in, answered only
// after ingest resolved, i.e. after the bus acknowledged the lines, so a pushing script may drop
// what it sent once it sees 200.
import type { App, AppContext } from '../context.ts';
import { BadRequestError, IngestUnavailableError, SourceTokenError } from '../errors.ts';
import type { PushRequest } from '../types.ts';

export const INGEST_BODY_LIMIT_BYTES = 16 * 1024 * 1024;
export const OFFSET_HEADER = 'x-tablero-offset';

const ROUTES: ReadonlyArray<[string, PushRequest['kind']]> = [
  ['/ingest/queue-log', 'queue_log'],
  ['/ingest/cdr', 'cdr'],
];

export function ingestRoutes(app: App, ctx: AppContext): void {
  // Encapsulated, so the raw-text parsing applies to these routes only.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    // The bytes as sent: ingest decides what is valid UTF-8 (a string here would have replaced
    // invalid bytes with U+FFFD silently).
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: INGEST_BODY_LIMIT_BYTES }, (_req, body, done) => {
      done(null, body);
    });
    for (const [url, kind] of ROUTES) {
      scope.post(url, { config: { access: 'source' }, bodyLimit: INGEST_BODY_LIMIT_BYTES }, async (req) => {
        const source = req.source;
        if (!source) throw new SourceTokenError();
        const push = ctx.deps.push;
        if (!push) throw new IngestUnavailableError('ingest is not running in this process');
        const offsetHeader = req.headers[OFFSET_HEADER];
        let firstOffset: number | undefined;
        if (offsetHeader !== undefined) {
          if (typeof offsetHeader !== 'string' || !/^\d{1,15}$/.test(offsetHeader)) {
            throw new BadRequestError(`header ${OFFSET_HEADER} must be an integer >= 0`);
          }
          firstOffset = Number(offsetHeader);
        }
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const request: PushRequest = { site: source.site, sourceName: source.name, kind, body };
        if (firstOffset !== undefined) request.firstOffset = firstOffset;
        try {
          const result = await push(request);
          return { accepted: result.accepted, rejected: result.rejected };
        } catch (err) {
          req.log.warn({ err, site: source.site, source: source.name, kind }, 'push not stored');
          throw new IngestUnavailableError('the lines were not stored; send them again', { cause: err });
        }
      });
    }
  });
}
