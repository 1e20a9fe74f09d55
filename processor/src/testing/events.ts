// Test support: builds QueueEvents from queue_log-style text so tables of cases read like the
// log itself. A deliberately small reading of the formats (valid lines only); the product
// parser is ingest's `parseQueueLogLine`.
import type { QueueEvent } from '@tablero/ingest/contract';
import { REFUSED_VERBS, STOCK_VERBS } from '@tablero/ingest/contract';

const STOCK = new Set<string>(STOCK_VERBS);
const num = (s: string | undefined): number | null => (s !== undefined && /^\d+$/.test(s) ? Number(s) : null);

export interface EventMaker {
  (line: string): QueueEvent;
  /** Several lines, one per non-empty line of `text`. */
  lines(text: string): QueueEvent[];
}

/** A maker whose events share one source fingerprint, with increasing offsets. */
export function eventMaker(opts: { site?: string; fingerprint?: string } = {}): EventMaker {
  const site = opts.site ?? 'default';
  const fp = opts.fingerprint ?? 'fp1';
  let offset = 0;
  const make = ((line: string): QueueEvent => {
    const cols = line.trim().split('|');
    const [ts, callid, queue, agent, verb, ...data] = cols as [string, string, string, string, string, ...string[]];
    const ev: QueueEvent = {
      event_id: `${fp}:${offset}`,
      site,
      source: `test:${fp}`,
      offset,
      ts: Number(ts),
      callid,
      queue,
      agent,
      verb,
      custom: !STOCK.has(verb),
      wait_s: null,
      talk_s: null,
      ring_ms: null,
      position: null,
      orig_position: null,
      caller: '',
      info: '',
      data,
    };
    offset += line.length + 1;
    const d = data;
    switch (verb) {
      case 'ENTERQUEUE': ev.caller = d[1] ?? ''; ev.orig_position = num(d[2]); break;
      case 'CONNECT': ev.wait_s = num(d[0]); break;
      case 'COMPLETECALLER': case 'COMPLETEAGENT': ev.wait_s = num(d[0]); ev.talk_s = num(d[1]); ev.orig_position = num(d[2]); break;
      case 'TRANSFER': case 'BLINDTRANSFER':
        ev.info = `${d[0] ?? ''}@${d[1] ?? ''}`; ev.wait_s = num(d[2]); ev.talk_s = num(d[3]); break;
      case 'ATTENDEDTRANSFER': {
        const skip = d[0] === 'LINK' ? 3 : 2;
        ev.info = d[0] ?? ''; ev.wait_s = num(d[skip]); ev.talk_s = num(d[skip + 1]); break;
      }
      case 'ABANDON': case 'EXITEMPTY': case 'WITHDRAW':
        ev.position = num(d[0]); ev.orig_position = num(d[1]); ev.wait_s = num(d[2]); break;
      case 'EXITWITHTIMEOUT':
        ev.position = num(d[0]); if (d.length >= 3) { ev.orig_position = num(d[1]); ev.wait_s = num(d[2]); } break;
      case 'EXITWITHKEY':
        ev.info = d[0] ?? ''; ev.position = num(d[1]); if (d.length >= 4) { ev.orig_position = num(d[2]); ev.wait_s = num(d[3]); } break;
      case 'RINGNOANSWER': case 'RINGCANCELED': ev.ring_ms = num(d[0]); break;
      case 'PAUSE': case 'UNPAUSE': case 'PAUSEALL': case 'UNPAUSEALL': ev.info = d[0] ?? ''; break;
      default:
        if ((REFUSED_VERBS as readonly string[]).includes(verb)) ev.caller = '';
        break;
    }
    return ev;
  }) as EventMaker;
  make.lines = (text: string) => text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0).map(make);
  return make;
}
