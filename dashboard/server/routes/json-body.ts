// The JSON body of a push route (POST /ingest/tickets, /ingest/contacts): strict UTF-8, its shape
// bounded before it is parsed (a body nested 100,000 deep can never succeed, so it is a 400, not
// a 503 "send them again"), then Fastify's own JSON parser (prototype poisoning refused).
import createError from '@fastify/error';
import type { FastifyInstance } from 'fastify';
import { checkJsonBounds } from '../core/json-bounds.ts';
import { decodeUtf8Body } from './ingest-encoding.ts';

export const JsonBoundsError = createError('TABLERO_ERR_JSON_BOUNDS', 'the JSON body is refused: %s', 400, undefined, false);

/** Replaces the scope's application/json parser with the bounded one (call inside an encapsulated scope). */
export function useBoundedJsonParser(scope: FastifyInstance, bodyLimit: number): void {
  const parseJson = scope.getDefaultJsonParser('error', 'error');
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (req, body, done) => {
    let text: string;
    try {
      text = decodeUtf8Body(body);
    } catch (err) {
      done(err as Error, undefined);
      return;
    }
    const bounds = checkJsonBounds(text);
    if (!bounds.ok) {
      done(new JsonBoundsError(bounds.reason), undefined);
      return;
    }
    parseJson(req, text, done);
  });
}
