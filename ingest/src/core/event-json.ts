// JSON text of one QueueEvent, byte-identical to `JSON.stringify(event)` for the events the
// parsers build (keys in contract order), but several times cheaper: it is the hot path of a bulk
// import (one call per line). Pure. The wire format stays the one of `EventBatch`.
import type { QueueEvent } from '../contract.ts';

/**
 * Characters JSON.stringify escapes: `"`, `\`, C0 controls, and surrogates (a lone surrogate is
 * written as `\udXXX`; a string with a valid pair goes through JSON.stringify too, which keeps it).
 */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A JSON string literal of `s`, equal to `JSON.stringify(s)`. */
export function jsonString(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/** A JSON number or null, equal to `JSON.stringify(n)` (NaN and infinities are null there too). */
function jsonNumber(n: number | null): string {
  return n === null || !Number.isFinite(n) ? 'null' : `${n}`;
}

function jsonStrings(a: readonly string[]): string {
  if (a.length === 0) return '[]';
  let out = `[${jsonString(a[0] as string)}`;
  for (let i = 1; i < a.length; i++) out += `,${jsonString(a[i] as string)}`;
  return `${out}]`;
}

/** `a` as a JSON array when no string in it needs escaping. */
function plainStrings(a: readonly string[]): string {
  if (a.length === 0) return '[]';
  let out = `["${a[0] as string}`;
  for (let i = 1; i < a.length; i++) out += `","${a[i] as string}`;
  return `${out}"]`;
}

/**
 * A serializer with a one-entry cache of the `site`/`source` fragment, which is the same for
 * every event of a source (one file, one push body). `plain`: the caller knows that the line
 * the event came from holds no character JSON escapes; every string field of a QueueEvent but
 * `event_id`, `site` and `source` is cut from that line (or joined from its pieces with `@` or
 * `|`), so those fields are not scanned again.
 */
export function queueEventSerializer(): (e: QueueEvent, plain?: boolean) => string {
  let site: string | null = null;
  let source: string | null = null;
  let siteSource = '';
  return (e, plain = false) => {
    if (e.site !== site || e.source !== source) {
      site = e.site;
      source = e.source;
      siteSource = `,"site":${jsonString(site)},"source":${jsonString(source)}`;
    }
    const head = `{"event_id":${jsonString(e.event_id)}${siteSource},"offset":${jsonNumber(e.offset)},"ts":${jsonNumber(e.ts)}`;
    const numbers =
      `,"custom":${e.custom ? 'true' : 'false'},"wait_s":${jsonNumber(e.wait_s)},"talk_s":${jsonNumber(e.talk_s)}` +
      `,"ring_ms":${jsonNumber(e.ring_ms)},"position":${jsonNumber(e.position)},"orig_position":${jsonNumber(e.orig_position)}`;
    if (plain) {
      return (
        `${head},"callid":"${e.callid}","queue":"${e.queue}","agent":"${e.agent}","verb":"${e.verb}"${numbers}` +
        `,"caller":"${e.caller}","info":"${e.info}","data":${plainStrings(e.data)}}`
      );
    }
    return (
      `${head},"callid":${jsonString(e.callid)},"queue":${jsonString(e.queue)},"agent":${jsonString(e.agent)},"verb":${jsonString(e.verb)}${numbers}` +
      `,"caller":${jsonString(e.caller)},"info":${jsonString(e.info)},"data":${jsonStrings(e.data)}}`
    );
  };
}
