// Request bodies of POST /ingest/*: `Content-Encoding: gzip` is decoded before the body parser
// reads it (the route's body limit then bounds the decoded bytes, so a gzip bomb is answered 413);
// any other encoding is refused with 415 instead of being read as text.
import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import createError from '@fastify/error';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export const UnsupportedEncodingError = createError('TABLERO_ERR_UNSUPPORTED_ENCODING', 'content-encoding %s is not supported; send identity or gzip', 415, undefined, false);
export const BadGzipError = createError('TABLERO_ERR_BAD_GZIP', 'the body is not valid gzip', 400);

/** A decoded stream that tells Fastify how many encoded bytes it read (checked against content-length). */
type Decoded = PassThrough & { receivedEncodedLength: number };

/** Fastify `preParsing` hook for the ingest routes (registered by app.ts for `/ingest/` URLs). */
export async function decodeIngestBody(req: FastifyRequest, _reply: unknown, payload: Readable): Promise<Readable> {
  const header = req.headers['content-encoding'];
  const encoding = (Array.isArray(header) ? header.join(',') : header ?? '').trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return payload;
  if (encoding !== 'gzip' && encoding !== 'x-gzip') throw new UnsupportedEncodingError(encoding.slice(0, 40));
  const out = new PassThrough() as Decoded;
  out.receivedEncodedLength = 0;
  const gunzip = createGunzip();
  payload.on('data', (chunk: Buffer) => {
    out.receivedEncodedLength += chunk.length;
  });
  payload.on('error', (err) => out.destroy(err));
  gunzip.on('error', (err) => out.destroy(new BadGzipError({ cause: err })));
  payload.pipe(gunzip).pipe(out);
  return out;
}

export const BadUtf8Error = createError('TABLERO_ERR_BAD_UTF8', 'the body is not valid UTF-8; send it as UTF-8 (nothing was stored)', 400);

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The text of a JSON or CSV push body (POST /ingest/tickets, /ingest/surveys), refused whole with
 * `TABLERO_ERR_BAD_UTF8` when its bytes are not valid UTF-8 (never decoded with U+FFFD).
 */
export function decodeUtf8Body(body: Buffer | string): string {
  if (typeof body === 'string') return body;
  try {
    return STRICT_UTF8.decode(body);
  } catch {
    throw new BadUtf8Error();
  }
}

/**
 * A plugin scope whose routes read the body as strict UTF-8 text of at most `limitBytes`
 * (invalid bytes answer 400 TABLERO_ERR_BAD_UTF8, never U+FFFD): the CSV pushes under /ingest/.
 */
export function textBodyScope(app: FastifyInstance, limitBytes: number, routes: (scope: FastifyInstance) => void): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limitBytes }, (_req, b, done) => {
      try {
        done(null, decodeUtf8Body(b as Buffer));
      } catch (err) {
        done(err as Error, undefined);
      }
    });
    routes(scope);
  });
}
