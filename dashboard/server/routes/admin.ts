// Admin-only management of users and kiosk tokens.
import { ADMIN_ONLY, LANGS, ROLES, type Lang, type Role } from '../core/roles.ts';
import type { App, AppContext } from '../context.ts';
import { noteAudit } from '../audit-trail.ts';
import { BadRequestError, NotFoundError, UserExistsError, UnauthenticatedError, httpUserError } from '../errors.ts';
import { DuplicateUserError, KioskTokenNotFoundError } from '../errors.ts';
import { recordAudit, type AuditAction } from '../store/audit-store.ts';
import type { SessionEnd } from '../store/session-store.ts';
import { endOtherAccess } from './auth.ts';
import {
  MAX_LABEL_LENGTH,
  checkKioskScope,
  createKioskToken,
  createUser,
  findKioskToken,
  findUser,
  listKioskTokens,
  removeUser,
  listUsers,
  revokeKioskToken,
  sha256Hex,
  updateUser,
  type UserChanges,
} from '../store/auth-store.ts';

/** A user's supervised queues (empty = every queue); auth-store's checkUserQueues says why a list is refused. */
const QUEUES_SCHEMA = { type: 'array', items: { type: 'string' } } as const;

export function kioskUrlPath(token: string): string {
  return `/?kiosk=${encodeURIComponent(token)}#/wallboard`;
}

export function adminRoutes(app: App, ctx: AppContext): void {
  const ch = ctx.deps.ch;

  app.get('/api/users', { config: { access: ADMIN_ONLY } }, async () => listUsers(ch));

  app.post<{ Body: { username: string; password: string; role: Role; lang?: Lang; queues?: string[] } }>(
    '/api/users',
    {
      config: { access: ADMIN_ONLY, audit: 'handler' },
      schema: {
        body: {
          type: 'object',
          required: ['username', 'password', 'role'],
          properties: {
            username: { type: 'string' },
            password: { type: 'string' },
            role: { type: 'string' },
            lang: { type: 'string' },
            queues: QUEUES_SCHEMA,
          },
        },
      },
    },
    async (req, reply) => {
      const { username, password, role, lang, queues } = req.body;
      try {
        await createUser(ch, { username, password, role, ...(lang === undefined ? {} : { lang }), ...(queues === undefined ? {} : { queues }) });
      } catch (err) {
        if (err instanceof DuplicateUserError) throw new UserExistsError(username);
        throw httpUserError(err);
      }
      const by = req.session?.username ?? '';
      const created = { username, role, lang: lang ?? 'es', queues: [...new Set(queues ?? [])].sort() };
      await recordAudit(ch, { atMs: ctx.now(), actor: by, action: 'user_created', target: username, address: req.ip, detail: { role, before: null, after: { ...created, disabled: false } } });
      req.log.info({ username, role, by }, 'user created');
      return reply.code(201).send(created);
    },
  );

  app.patch<{ Params: { username: string }; Body: UserChanges }>(
    '/api/users/:username',
    {
      config: { access: ADMIN_ONLY, audit: 'handler' },
      schema: {
        params: { type: 'object', properties: { username: { type: 'string', minLength: 1, maxLength: 64 } } },
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            role: { type: 'string', enum: [...ROLES] },
            disabled: { type: 'boolean' },
            password: { type: 'string' },
            lang: { type: 'string', enum: [...LANGS] },
            queues: QUEUES_SCHEMA,
          },
        },
      },
    },
    async (req) => {
      const { username } = req.params;
      const by = req.session?.username;
      if (by === undefined) throw new UnauthenticatedError();
      // An admin who disables or demotes themself could leave nobody able to undo it.
      if (username === by && (req.body.disabled === true || (req.body.role !== undefined && req.body.role !== 'admin'))) {
        throw new BadRequestError('you may not disable your own account or change your own role');
      }
      const before = await findUser(ch, username);
      let updated;
      try {
        updated = await updateUser(ch, username, req.body);
      } catch (err) {
        throw httpUserError(err);
      }
      if (!updated) throw new NotFoundError('user');
      const { role, disabled, password, queues, lang } = req.body;
      const self = username === by;
      // What changed, in the audit's words; the strongest reason names why the sessions ended.
      const actions: AuditAction[] = [];
      let reason: SessionEnd | null = null;
      if (password !== undefined) {
        actions.push(self ? 'password_changed' : 'password_reset');
        reason = 'password_changed';
      }
      if (role !== undefined && role !== before?.role) {
        actions.push('role_changed');
        reason = 'role_changed';
      }
      if (disabled !== undefined && disabled !== before?.disabled) {
        actions.push(disabled ? 'user_disabled' : 'user_enabled');
        if (disabled) reason = 'disabled';
      }
      if (queues !== undefined && updated.queues.join(',') !== (before?.queues ?? []).join(',')) actions.push('user_queues_changed');
      if (lang !== undefined && lang !== before?.lang) actions.push('user_lang_changed');
      // The admin's own session survives a change of their own password (role and disable are refused above).
      const effect = reason === null ? { ended_sessions: 0, closed_sockets: 0 } : await endOtherAccess(ctx, username, reason, self ? (req.session?.nonce ?? null) : null);
      // A new queue list changes what the user's live sockets may receive: they reconnect under it.
      if (reason === null && actions.includes('user_queues_changed')) effect.closed_sockets = ctx.hub.rejoinUser(username);
      // Each action with the fields it changed, before and after (never the password: only that it changed).
      const view = (u: { role: string; disabled: boolean; queues: string[]; lang: string } | null, action: AuditAction) =>
        u === null ? null : action === 'role_changed' ? { role: u.role } : action === 'user_queues_changed' ? { queues: u.queues } : action === 'user_lang_changed' ? { lang: u.lang } : action === 'user_disabled' || action === 'user_enabled' ? { disabled: u.disabled } : {};
      for (const action of actions) {
        // A password change says only that it happened (the action); no field of it is shown.
        const changed = action === 'password_changed' || action === 'password_reset' ? {} : { before: view(before, action), after: view(updated, action) };
        const detail = action === 'role_changed' ? { from: before?.role ?? '', to: role ?? '', ...changed, ...effect } : { ...changed, ...effect };
        await recordAudit(ch, { atMs: ctx.now(), actor: by, action, target: username, address: req.ip, detail });
      }
      // Never log the password; say only that it changed.
      req.log.info({ username, role, disabled, queues: req.body.queues, password_changed: password !== undefined, ...effect, by }, 'user changed');
      return updated;
    },
  );

  // Removing an account: it stops existing at once (sessions and sockets end); its audit history stays.
  app.delete<{ Params: { username: string } }>(
    '/api/users/:username',
    {
      config: { access: ADMIN_ONLY, audit: 'handler' },
      schema: { params: { type: 'object', properties: { username: { type: 'string', minLength: 1, maxLength: 64 } } } },
    },
    async (req, reply) => {
      const { username } = req.params;
      const by = req.session?.username;
      if (by === undefined) throw new UnauthenticatedError();
      if (username === by) throw new BadRequestError('you may not remove your own account');
      const removed = await removeUser(ch, username);
      if (!removed) throw new NotFoundError('user');
      const effect = await endOtherAccess(ctx, username, 'disabled', null);
      const before = { username: removed.username, role: removed.role, lang: removed.lang, disabled: removed.disabled, queues: removed.queues };
      await recordAudit(ch, { atMs: ctx.now(), actor: by, action: 'user_removed', target: username, address: req.ip, detail: { before, after: null, ...effect } });
      req.log.info({ username, by, ...effect }, 'user removed');
      return reply.code(204).send();
    },
  );

  app.get('/api/kiosk-tokens', { config: { access: ADMIN_ONLY } }, async () => listKioskTokens(ch));

  app.post<{ Body: { label: string; sites?: string[]; queues?: string[] } }>(
    '/api/kiosk-tokens',
    {
      config: { access: ADMIN_ONLY, audit: { action: 'kiosk_token_created' } },
      schema: {
        body: {
          type: 'object',
          required: ['label'],
          // What the link's wallboard shows (empty or absent = every site / queue).
          properties: { label: { type: 'string', minLength: 1, maxLength: MAX_LABEL_LENGTH }, sites: QUEUES_SCHEMA, queues: QUEUES_SCHEMA },
        },
      },
    },
    async (req, reply) => {
      const by = req.session?.username;
      if (by === undefined) throw new UnauthenticatedError();
      const { label, sites = [], queues = [] } = req.body;
      let token: string;
      try {
        token = await createKioskToken(ch, label, by, { sites, queues });
      } catch (err) {
        throw httpUserError(err);
      }
      const hash = sha256Hex(token);
      const scope = checkKioskScope({ sites, queues });
      req.log.info({ hash, label, ...scope, by }, 'kiosk token created');
      noteAudit(req, { target: hash, after: { label, revoked: false, ...scope } });
      return reply.code(201).send({ token, hash, url_path: kioskUrlPath(token), ...scope });
    },
  );

  app.delete<{ Params: { hash: string } }>(
    '/api/kiosk-tokens/:hash',
    {
      config: { access: ADMIN_ONLY, audit: { action: 'kiosk_token_revoked' } },
      schema: {
        params: { type: 'object', properties: { hash: { type: 'string', pattern: '^[0-9a-f]{64}$' } } },
      },
    },
    async (req, reply) => {
      const { hash } = req.params;
      const before = await findKioskToken(ch, hash);
      noteAudit(req, { target: hash, before: before ? { label: before.label, revoked: before.revoked } : null, after: before ? { label: before.label, revoked: true } : null });
      try {
        await revokeKioskToken(ch, hash);
      } catch (err) {
        if (err instanceof KioskTokenNotFoundError) throw new NotFoundError('kiosk token');
        throw err;
      }
      const closed = ctx.hub.closeKiosk(hash);
      req.log.info({ hash, closed_sockets: closed, by: req.session?.username }, 'kiosk token revoked');
      return reply.code(204).send();
    },
  );
}
