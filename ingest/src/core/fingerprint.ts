// Source fingerprint: the prefix of every event id, so it must be stable for one file for its
// whole life (growth, rename rotation, gzip after rotation, bulk import of the same file) and
// differ between files.
//
// Choice: sha256 over `site \0 <first line>` (bytes before the first `\n`, at most 1 KiB), first
// 16 hex chars. Why the first line and not "the first 1 KiB": a short file that grows would
// change its hash until it reaches 1 KiB, while the first line never changes once complete, and
// no event can be published before the first line is complete anyway. queue_log first lines
// carry an epoch, so two files (or a file rewritten after copytruncate) differ in practice.
// The site is mixed in so that two PBXs writing the same line in the same second still differ.
// Limits: two files of one site whose first lines are byte-identical share a fingerprint (their
// events would be deduplicated against each other); a file whose content is replaced by a new
// one starting with the same line is taken for the same file.
import { createHash } from 'node:crypto';

/** How many bytes of the head decide the fingerprint when the first line is longer. */
export const FINGERPRINT_HEAD_BYTES = 1024;

/**
 * Fingerprint from the first bytes of a source, or null while it cannot be known yet (no
 * complete first line and fewer than 1 KiB). `atEof`: the source will not grow (bulk import of a
 * finished file), so a lone unterminated first line is taken as it is. An empty source has none.
 */
export function fingerprintFromHead(site: string, head: Uint8Array, atEof: boolean): string | null {
  const limit = Math.min(head.length, FINGERPRINT_HEAD_BYTES);
  let end = -1;
  for (let i = 0; i < limit; i++) {
    if (head[i] === 10) {
      end = i;
      break;
    }
  }
  if (end < 0) {
    if (head.length >= FINGERPRINT_HEAD_BYTES) end = FINGERPRINT_HEAD_BYTES;
    else if (atEof && head.length > 0) end = head.length;
    else return null;
  }
  return createHash('sha256').update(site).update('\0').update(head.subarray(0, end)).digest('hex').slice(0, 16);
}
