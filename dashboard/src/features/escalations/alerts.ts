// Which overdue alerts (kpi.escalations.<site> `escalation_overdue`) stay on screen. Pure.
// An alert is news about one ticket: it is shown once (the newest copy), and it leaves the screen
// when the site's latest snapshot, taken after the alert, no longer lists the ticket as overdue
// (closed, or given a later due date by a type change); or when the user dismissed it.
import type { EscalationOverdueAlert, EscalationsSnapshot } from '@tablero/processor/contract';

export function alertKey(a: Pick<EscalationOverdueAlert, 'site' | 'ticket_id' | 'due_at'>): string {
  return `${a.site}\u0000${a.ticket_id}\u0000${a.due_at}`;
}

/** Newest first, one per (site, ticket, due date), without the resolved and the dismissed ones. */
export function visibleOverdueAlerts(
  alerts: readonly EscalationOverdueAlert[],
  snapshots: ReadonlyMap<string, EscalationsSnapshot>,
  dismissed: ReadonlySet<string> = new Set(),
): EscalationOverdueAlert[] {
  const seen = new Set<string>();
  const out: EscalationOverdueAlert[] = [];
  for (const a of alerts) {
    const key = alertKey(a);
    if (seen.has(key) || dismissed.has(key)) continue;
    seen.add(key);
    if (resolved(a, snapshots.get(a.site))) continue;
    out.push(a);
  }
  return out;
}

function resolved(a: EscalationOverdueAlert, snap: EscalationsSnapshot | undefined): boolean {
  if (!snap || snap.at_ms < a.at_ms) return false;
  // The overdue list is capped: a ticket missing from a full list may still be overdue.
  if (snap.overdue_list.length < snap.totals.overdue) return false;
  return !snap.overdue_list.some((t) => t.ticket_id === a.ticket_id && t.due_at === a.due_at);
}
