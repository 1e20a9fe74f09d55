// The newest snapshot of every (site, queue), so a client that connects gets the current
// picture at once instead of waiting for the next publish. Pure: messages come in decoded.
import type { QueueSnapshot, SnapshotMessage } from '@tablero/processor/contract';

export type LiveMessage = { type: string } & Record<string, unknown>;

/** A decoded live message, or null when the bytes are not a JSON object with a string `type`. */
export function decodeLiveMessage(text: string): LiveMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const type = (value as Record<string, unknown>)['type'];
  return typeof type === 'string' ? (value as LiveMessage) : null;
}

function isSnapshotMessage(m: LiveMessage): m is LiveMessage & SnapshotMessage {
  return (
    m.type === 'snapshots' &&
    typeof m['site'] === 'string' &&
    Array.isArray(m['queues']) &&
    (m['queues'] as unknown[]).every(
      (q) => typeof q === 'object' && q !== null && typeof (q as Record<string, unknown>)['queue'] === 'string',
    )
  );
}

export class LiveState {
  private readonly sites = new Map<string, Map<string, QueueSnapshot>>();

  /** Records the message when it carries snapshots; returns true when something was kept. */
  apply(message: LiveMessage): boolean {
    if (!isSnapshotMessage(message)) return false;
    let queues = this.sites.get(message.site);
    if (!queues) {
      queues = new Map();
      this.sites.set(message.site, queues);
    }
    for (const snap of message.queues) queues.set(snap.queue, snap);
    return message.queues.length > 0;
  }

  /** One `snapshots` message per site with the newest snapshot of each of its queues, sorted. */
  current(): SnapshotMessage[] {
    const out: SnapshotMessage[] = [];
    for (const site of [...this.sites.keys()].sort()) {
      const queues = this.sites.get(site) as Map<string, QueueSnapshot>;
      const names = [...queues.keys()].sort();
      out.push({ type: 'snapshots', site, queues: names.map((q) => queues.get(q) as QueueSnapshot) });
    }
    return out;
  }
}
