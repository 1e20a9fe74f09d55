// Builds the dead-letter record of a rejected line. Pure: the rejection time comes in as data.
import { MAX_DEAD_LETTER_RAW_BYTES, type DeadLetter } from '../contract.ts';
import { eventId, type LineOrigin } from './queue-log.ts';

/** Cuts to at most `max` UTF-8 bytes without leaving half a character. */
export function truncateUtf8(text: string, max: number): string {
  if (text.length * 3 <= max || Buffer.byteLength(text, 'utf8') <= max) return text;
  let s = Buffer.from(text, 'utf8').subarray(0, max).toString('utf8');
  // A cut inside a multi-byte character decodes to U+FFFD, which is 3 bytes: drop it.
  while (Buffer.byteLength(s, 'utf8') > max) s = s.slice(0, -1);
  return s;
}

export function toDeadLetter(reason: string, raw: string, at: LineOrigin, rejectedAtS: number): DeadLetter {
  return {
    event_id: eventId(at.fingerprint, at.offset),
    site: at.site,
    source: at.source,
    offset: at.offset,
    line_no: at.lineNo,
    raw: truncateUtf8(raw, MAX_DEAD_LETTER_RAW_BYTES),
    reason,
    rejected_at: rejectedAtS,
  };
}
