// Test support: write Asterisk queue_log lines the way Asterisk does (appended, one `\n` each).
import { appendFileSync } from 'node:fs';

export function appendLines(path: string, lines: string[]): void {
  appendFileSync(path, lines.map((l) => `${l}\n`).join(''));
}

/** An answered call: ENTERQUEUE, CONNECT after `wait` s, COMPLETECALLER after `talk` s. Ends at `endS`. */
export function answeredCall(o: { queue: string; callid: string; endS: number; wait: number; talk: number; agent?: string }): string[] {
  const agent = o.agent ?? 'Local/201@from-queue/n';
  const enter = o.endS - o.talk - o.wait;
  return [
    `${enter}|${o.callid}|${o.queue}|NONE|ENTERQUEUE||3001234567|1`,
    `${enter + o.wait}|${o.callid}|${o.queue}|${agent}|CONNECT|${o.wait}|${o.callid}9|2`,
    `${o.endS}|${o.callid}|${o.queue}|${agent}|COMPLETECALLER|${o.wait}|${o.talk}|1`,
  ];
}

/** An abandoned call: ENTERQUEUE, then ABANDON after `wait` s at `endS`. */
export function abandonedCall(o: { queue: string; callid: string; endS: number; wait: number }): string[] {
  return [
    `${o.endS - o.wait}|${o.callid}|${o.queue}|NONE|ENTERQUEUE||3007654321|1`,
    `${o.endS}|${o.callid}|${o.queue}|NONE|ABANDON|1|1|${o.wait}`,
  ];
}
