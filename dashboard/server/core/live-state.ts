// The newest snapshot of every (site, queue) and the alerts raised and not yet cleared, so a
// client that connects gets the current picture at once instead of waiting for the next
// publish. Pure: messages come in decoded.
import type { AlertMessage, QueueSnapshot, SnapshotMessage } from '@tablero/processor/contract';

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

function isAlertMessage(m: LiveMessage): m is LiveMessage & AlertMessage {
  return m.type === 'alert' && typeof m['alert_id'] === 'string' && (m['state'] === 'raised' || m['state'] === 'cleared');
}

export class LiveState {
  private readonly sites = new Map<string, Map<string, QueueSnapshot>>();
  /** Raised, not yet cleared alerts by alert_id, in the order they were raised. */
  private readonly active = new Map<string, AlertMessage>();

  /** Records snapshots and alert changes; returns true when the current picture changed. */
  apply(message: LiveMessage): boolean {
    if (isAlertMessage(message)) {
      if (message.state === 'raised') this.active.set(message.alert_id, message);
      else return this.active.delete(message.alert_id);
      return true;
    }
    if (!isSnapshotMessage(message)) return false;
    let queues = this.sites.get(message.site);
    if (!queues) {
      queues = new Map();
      this.sites.set(message.site, queues);
    }
    for (const snap of message.queues) queues.set(snap.queue, snap);
    return message.queues.length > 0;
  }

  /**
   * One `snapshots` message per site with the newest snapshot of each of its queues, sorted,
   * then the alerts still raised, oldest first.
   */
  current(): Array<SnapshotMessage | AlertMessage> {
    const out: Array<SnapshotMessage | AlertMessage> = [];
    for (const site of [...this.sites.keys()].sort()) {
      const queues = this.sites.get(site) as Map<string, QueueSnapshot>;
      const names = [...queues.keys()].sort();
      out.push({ type: 'snapshots', site, queues: names.map((q) => queues.get(q) as QueueSnapshot) });
    }
    for (const alert of this.active.values()) out.push(alert);
    return out;
  }
}
