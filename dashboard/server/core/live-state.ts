// The newest snapshot of every (site, queue), merged from the processor's partial `snapshots`
// messages (each carries only the queues of its site that changed: contract, live pacing per site),
// the alerts raised and not yet cleared, and the newest
// supervisor view of every site, so a client that connects gets the current picture at once
// instead of waiting for the next publish, and GET /api/live/supervisor answers from what the
// processor published (the dashboard derives no agent or caller state itself). Caller numbers
// are masked here for viewers whose role does not see them. Pure: messages come in decoded.
import {
  maskCaller,
  SUPERVISOR_LIST_LIMIT,
  type AbandonedCaller,
  type AlertMessage,
  type QueueSnapshot,
  type SnapshotMessage,
  type StaleCall,
  type SupervisorAgent,
  type SupervisorMessage,
  type WaitingCaller,
} from '@tablero/processor/contract';

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

export function isSnapshotMessage(m: LiveMessage): m is LiveMessage & SnapshotMessage {
  return (
    m.type === 'snapshots' &&
    typeof m['site'] === 'string' &&
    Array.isArray(m['queues']) &&
    (m['queues'] as unknown[]).every(
      (q) => typeof q === 'object' && q !== null && typeof (q as Record<string, unknown>)['queue'] === 'string',
    )
  );
}

export function isAlertMessage(m: LiveMessage): m is LiveMessage & AlertMessage {
  return m.type === 'alert' && typeof m['alert_id'] === 'string' && (m['state'] === 'raised' || m['state'] === 'cleared');
}

export function isSupervisorMessage(m: LiveMessage): m is LiveMessage & SupervisorMessage {
  return (
    m.type === 'supervisor' && typeof m['site'] === 'string' && typeof m['at_ms'] === 'number' &&
    Array.isArray(m['agents']) && Array.isArray(m['waiting']) && Array.isArray(m['abandoned']) && Array.isArray(m['stale_calls'])
  );
}

/** The message with every caller number masked (for roles that do not call anyone back, and kiosks). */
export function maskSupervisor(m: SupervisorMessage): SupervisorMessage {
  return {
    ...m,
    waiting: m.waiting.map((w) => ({ ...w, caller: maskCaller(w.caller) })),
    abandoned: m.abandoned.map((a) => ({ ...a, caller: maskCaller(a.caller) })),
  };
}

/** GET /api/live/supervisor: every site's view in one answer (the shape the live view reads). */
export interface SupervisorView {
  /** Server time (epoch ms) of the answer: the page measures durations against it. */
  at_ms: number;
  agents: SupervisorAgent[];
  waiting: WaitingCaller[];
  abandoned: AbandonedCaller[];
}

const bySite = (a: { site: string }, b: { site: string }): number => (a.site < b.site ? -1 : a.site > b.site ? 1 : 0);

export class LiveState {
  private readonly queuesBySite = new Map<string, Map<string, QueueSnapshot>>();
  /** Raised, not yet cleared alerts by alert_id, in the order they were raised. */
  private readonly active = new Map<string, AlertMessage>();
  /** Newest supervisor view per site. */
  private readonly supervisors = new Map<string, SupervisorMessage>();

  /** Records snapshots and alert changes; returns true when the current picture changed. */
  apply(message: LiveMessage): boolean {
    if (isAlertMessage(message)) {
      if (message.state === 'raised') this.active.set(message.alert_id, message);
      else return this.active.delete(message.alert_id);
      return true;
    }
    if (isSupervisorMessage(message)) {
      this.supervisors.set(message.site, message);
      return true;
    }
    if (!isSnapshotMessage(message)) return false;
    let queues = this.queuesBySite.get(message.site);
    if (!queues) {
      queues = new Map();
      this.queuesBySite.set(message.site, queues);
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
    for (const site of [...this.queuesBySite.keys()].sort()) {
      const queues = this.queuesBySite.get(site) as Map<string, QueueSnapshot>;
      const names = [...queues.keys()].sort();
      out.push({ type: 'snapshots', site, queues: names.map((q) => queues.get(q) as QueueSnapshot) });
    }
    for (const alert of this.active.values()) out.push(alert);
    return out;
  }

  /** The sites heard so far (snapshots or supervisor views). */
  sites(): string[] {
    return [...new Set([...this.queuesBySite.keys(), ...this.supervisors.keys()])];
  }

  /** The newest supervisor message of every site, sorted by site. */
  supervisorMessages(): SupervisorMessage[] {
    return [...this.supervisors.values()].sort(bySite);
  }

  /**
   * Every site's supervisor view merged: agents by site and name, waiting callers longest wait
   * first, abandoned callers newest first (at most SUPERVISOR_LIST_LIMIT), each site's view cut by
   * `cut` (the viewer's scope; null = a site it does not see), masked unless `seesCallers`.
   */
  supervisorView(nowMs: number, seesCallers: boolean, cut: (m: SupervisorMessage) => SupervisorMessage | null = (m) => m): SupervisorView {
    const sites = this.supervisorMessages()
      .map(cut)
      .filter((m): m is SupervisorMessage => m !== null)
      .map((m) => (seesCallers ? m : maskSupervisor(m)));
    return {
      at_ms: nowMs,
      agents: sites.flatMap((m) => m.agents),
      waiting: sites.flatMap((m) => m.waiting).sort((a, b) => a.enter_s - b.enter_s || bySite(a, b)),
      abandoned: sites.flatMap((m) => m.abandoned).sort((a, b) => b.enter_s - a.enter_s || bySite(a, b)).slice(0, SUPERVISOR_LIST_LIMIT),
    };
  }

  /** Open calls the processor left out of the live figures (stale), every site, oldest first. */
  staleCalls(): StaleCall[] {
    return this.supervisorMessages().flatMap((m) => m.stale_calls).sort((a, b) => a.enter_s - b.enter_s || bySite(a, b));
  }
}
