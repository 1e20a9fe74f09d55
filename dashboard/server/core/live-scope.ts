// What a live client may see and what it asked to see (issue 19): the rights of who opened the
// socket (a supervisor's queue list, users.queues; a kiosk link's sites and queues,
// kiosk_tokens.sites/queues) narrowed by its subscription (one site, or every site it may see).
// Live messages are cut to that scope here; the hub serializes each cut once per distinct scope
// and sends the same bytes to every client of that scope. Pure: messages come in decoded.
import type { AlertMessage, QueueSnapshot, SnapshotMessage, SupervisorMessage } from '@tablero/processor/contract';

/** Who may see what; null = no narrowing on that axis. Queue names hold in every site (users.queues). */
export interface LiveRights {
  sites: readonly string[] | null;
  queues: readonly string[] | null;
}

export const ALL_RIGHTS: LiveRights = { sites: null, queues: null };

/** The rights narrowed by a subscription: what the socket receives. */
export interface LiveScope {
  sites: ReadonlySet<string> | null;
  queues: ReadonlySet<string> | null;
  /** Equal scopes have equal keys: the hub cuts a message once per key. */
  key: string;
}

/** A site id as the processor and the URL carry it (same rule as `--site`). */
export const SITE_ID = /^[A-Za-z0-9_-]{1,64}$/;

function makeScope(sites: readonly string[] | null, queues: readonly string[] | null): LiveScope {
  const s = sites === null ? null : [...new Set(sites)].sort();
  const q = queues === null ? null : [...new Set(queues)].sort();
  return {
    sites: s === null ? null : new Set(s),
    queues: q === null ? null : new Set(q),
    key: JSON.stringify([s, q]),
  };
}

/**
 * The scope of a subscription to `site` (null = every site the rights allow), or null when the
 * rights do not cover that site: the subscription is refused, never widened or silently emptied.
 */
export function subscriptionScope(rights: LiveRights, site: string | null): LiveScope | null {
  if (site === null) return makeScope(rights.sites, rights.queues);
  if (!SITE_ID.test(site)) return null;
  if (rights.sites !== null && !rights.sites.includes(site)) return null;
  return makeScope([site], rights.queues);
}

/** The sites a viewer may switch to: its rights' sites, or every site known live. Sorted. */
export function selectableSites(rights: LiveRights, known: Iterable<string>): string[] {
  return [...new Set(rights.sites ?? known)].sort();
}

export const siteVisible = (scope: LiveScope, site: string): boolean => scope.sites === null || scope.sites.has(site);
export const queueVisible = (scope: LiveScope, queue: string): boolean => scope.queues === null || scope.queues.has(queue);

/** The message's snapshots the scope sees: the same object when all of them, null when none. */
export function scopeSnapshots(m: SnapshotMessage, scope: LiveScope): SnapshotMessage | null {
  if (!siteVisible(scope, m.site)) return null;
  if (scope.queues === null) return m;
  const queues: QueueSnapshot[] = m.queues.filter((q) => queueVisible(scope, q.queue));
  if (queues.length === 0 && m.queues.length > 0) return null;
  return queues.length === m.queues.length ? m : { ...m, queues };
}

/**
 * The site's supervisor view cut to the scope's queues: agents logged in to one of them (their
 * queue lists cut to the scope's), callers
 * waiting, abandoned or stale in one of them. The same object when nothing is cut; null when the
 * site is out of scope.
 */
export function scopeSupervisor(m: SupervisorMessage, scope: LiveScope): SupervisorMessage | null {
  if (!siteVisible(scope, m.site)) return null;
  if (scope.queues === null) return m;
  const q = scope.queues;
  return {
    ...m,
    // An agent logged in to a visible queue, with only the visible queues of their list.
    agents: m.agents.filter((a) => a.queues.some((x) => q.has(x))).map((a) => ({ ...a, queues: a.queues.filter((x) => q.has(x)) })),
    waiting: m.waiting.filter((w) => q.has(w.queue)),
    abandoned: m.abandoned.filter((a) => q.has(a.queue)),
    stale_calls: m.stale_calls.filter((s) => q.has(s.queue)),
  };
}

export const alertVisible = (m: AlertMessage, scope: LiveScope): boolean => siteVisible(scope, m.site) && queueVisible(scope, m.queue);

/**
 * Any other message (escalations, calibration, messages of newer producers): out of scope when it
 * names a site or a queue the scope does not see; a message naming neither concerns no site's figures.
 */
export function otherVisible(m: Record<string, unknown>, scope: LiveScope): boolean {
  const site = m['site'];
  const queue = m['queue'];
  if (typeof site === 'string' && !siteVisible(scope, site)) return false;
  return typeof queue !== 'string' || queueVisible(scope, queue);
}

/** A client's request to change what it receives: `{"type":"subscribe","site":"A"}` (null = every site it may see). */
export function parseSubscribe(text: string): { site: string | null } | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null || (v as Record<string, unknown>)['type'] !== 'subscribe') return null;
  const site = (v as Record<string, unknown>)['site'] ?? null;
  return site === null || typeof site === 'string' ? { site } : null;
}
