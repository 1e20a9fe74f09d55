// A queue_log file read line by line with the real ingest parser, as a test feeds the processor.
import { readFileSync } from 'node:fs';
import { parseQueueLogLine } from '@tablero/ingest';
import type { QueueEvent } from '@tablero/ingest/contract';

/** Every line of the file as an event; a line the parser rejects throws (a fixture has none). */
export function queueLogEvents(file: string, site: string, fingerprint: string): QueueEvent[] {
  const bytes = readFileSync(file);
  const events: QueueEvent[] = [];
  let offset = 0;
  let lineNo = 0;
  while (offset < bytes.length) {
    const nl = bytes.indexOf(10, offset);
    const end = nl < 0 ? bytes.length : nl;
    lineNo += 1;
    const r = parseQueueLogLine(bytes.subarray(offset, end).toString('utf8'), { site, source: file, fingerprint, offset, lineNo });
    if (!r.ok) throw new Error(`${file} line ${lineNo} rejected: ${r.reason}`);
    events.push(r.value);
    offset = end + 1;
  }
  return events;
}
