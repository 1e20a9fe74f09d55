// Who may use what. Every route declares its access; nothing under /api/ or /ws/ is reachable
// without a declaration (enforced when routes are registered), so a forgotten rule fails closed.
// The roles and the named capability lists are shared with the SPA (../../shared/roles.ts).
import type { QaVisibility } from '@tablero/processor/contract';
import { QA_ALL_AGENTS_READERS, QA_CALIBRATION_OVERSEERS, QA_CALLER_NUMBER_READERS, roleAllowed, type Role, type RoleList } from '../../shared/roles.ts';

export * from '../../shared/roles.ts';

/**
 * - `public`: anyone (health, login, the SPA's files).
 * - `source`: an ingest source token (`Authorization: Bearer`).
 * - `live`: a session of any role or a valid kiosk token (the WebSocket only).
 * - `metrics`: the Prometheus scraper's token (`Authorization: Bearer`) or an admin session.
 * - `board`: a session of any role or a valid kiosk token in the `x-tablero-kiosk` header: the
 *   wallboard's REST reads of counts (funnel and contact-channel tiles), which a TV shows too.
 * - a list of roles: a session whose role is in the list.
 */
export type Access = 'public' | 'source' | 'live' | 'metrics' | 'board' | RoleList;

/** What a role may see in quality monitoring: the processor's quality service knows no roles. */
export function qaVisibility(role: Role): QaVisibility {
  return {
    callerNumbers: roleAllowed(QA_CALLER_NUMBER_READERS, role) ? 'full' : 'masked',
    agents: roleAllowed(QA_ALL_AGENTS_READERS, role) ? 'all' : 'supervised',
    calibrations: roleAllowed(QA_CALIBRATION_OVERSEERS, role) ? 'all' : 'own',
  };
}
