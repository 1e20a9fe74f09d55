// Who may use what. Every route declares its access; nothing under /api/ or /ws/ is reachable
// without a declaration (enforced when routes are registered), so a forgotten rule fails closed.

export const ROLES = ['admin', 'manager', 'supervisor', 'qa_analyst'] as const;
export type Role = (typeof ROLES)[number];

export const LANGS = ['es', 'en'] as const;
export type Lang = (typeof LANGS)[number];

/**
 * - `public`: anyone (health, login, the SPA's files).
 * - `source`: an ingest source token (`Authorization: Bearer`).
 * - `live`: a session of any role or a valid kiosk token (the WebSocket only).
 * - a list of roles: a session whose role is in the list.
 */
export type Access = 'public' | 'source' | 'live' | readonly Role[];

export const ALL_ROLES: readonly Role[] = ROLES;
export const ADMIN_ONLY: readonly Role[] = ['admin'];

/** Roles that see caller numbers in full (they call abandoned callers back); others and kiosks see them masked. */
export const SEES_CALLER_NUMBERS: readonly Role[] = ['admin', 'manager', 'supervisor'];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

export function roleAllowed(access: readonly Role[], role: Role): boolean {
  return access.includes(role);
}
