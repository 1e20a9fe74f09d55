// HTTP errors with stable codes. Every error a client sees is `{ code, message }`; the codes
// are a contract with the SPA and with operators' scripts, so they are defined once, here.
import createError from '@fastify/error';
import { PASSWORD_PROBLEM_TEXT, type PasswordProblem } from '../shared/password-policy.ts';

export const LoginError = createError('TABLERO_ERR_LOGIN', 'invalid username or password', 401);
export const UnauthenticatedError = createError('TABLERO_ERR_UNAUTHENTICATED', 'a session is required', 401);
export const ForbiddenError = createError('TABLERO_ERR_FORBIDDEN', 'your role may not use %s', 403, undefined, false);
export const CsrfError = createError('TABLERO_ERR_CSRF', 'missing or wrong x-csrf-token header', 403);
export const BadOriginError = createError('TABLERO_ERR_ORIGIN', 'origin %s is not allowed', 403, undefined, false);
export const BadQueryError = createError('TABLERO_ERR_BAD_QUERY', 'bad query parameter %s: %s', 400, undefined, false);
export const BadRequestError = createError('TABLERO_ERR_BAD_REQUEST', '%s', 400, undefined, false);
export const NotFoundError = createError('TABLERO_ERR_NOT_FOUND', '%s not found', 404, undefined, false);
export const UserExistsError = createError('TABLERO_ERR_USER_EXISTS', 'user %s already exists', 409, undefined, false);
export const RateLimitError = createError('TABLERO_ERR_RATE_LIMIT', 'too many failed logins, retry in %s s', 429, undefined, false);
export const WeakPasswordError = createError('TABLERO_ERR_WEAK_PASSWORD', '%s', 400, undefined, false);
export const WrongPasswordError = createError('TABLERO_ERR_WRONG_PASSWORD', 'the current password is wrong', 403);
export const SourceTokenError = createError('TABLERO_ERR_SOURCE_TOKEN', 'a valid source token is required', 401);
export const IngestUnavailableError = createError('TABLERO_ERR_INGEST_UNAVAILABLE', '%s', 503, undefined, false);
export const KpiQueryFailedError = createError('TABLERO_ERR_KPIS', 'the KPI query failed', 500);
export const UpgradeRequiredError = createError('TABLERO_ERR_UPGRADE_REQUIRED', 'this is a WebSocket endpoint', 426);
export const ReportFailedError = createError('TABLERO_ERR_REPORT', 'the report query failed', 500);
export const CallsFailedError = createError('TABLERO_ERR_CALLS', 'the calls query failed', 500);
export const CallsUnavailableError = createError('TABLERO_ERR_CALLS_UNAVAILABLE', 'lists of calls are not available in this process', 503);
export const ReportsUnavailableError = createError('TABLERO_ERR_REPORTS_UNAVAILABLE', 'reports are not available in this process', 503);
export const SettingsUnavailableError = createError('TABLERO_ERR_SETTINGS_UNAVAILABLE', 'settings are not available in this process', 503);
export const FunnelFailedError = createError('TABLERO_ERR_FUNNEL', 'the funnel query failed', 500);
export const FunnelUnavailableError = createError('TABLERO_ERR_FUNNEL_UNAVAILABLE', 'the call funnel is not available in this process', 503);
export const FcrFailedError = createError('TABLERO_ERR_FCR', 'the first-contact resolution query failed', 500);
export const FcrUnavailableError = createError('TABLERO_ERR_FCR_UNAVAILABLE', 'first-contact resolution is not available in this process', 503);
export const InternalError = createError('TABLERO_ERR_INTERNAL', 'internal error', 500);

/** Extra fields of an error answer besides `code` and `message` (the seconds to wait, a reason code). */
export type ErrorDetails = Readonly<Record<string, string | number>>;

/** Attaches fields the error handler adds to the answer's body. */
export function withDetails<E extends Error>(err: E, details: ErrorDetails): E & { details: ErrorDetails } {
  return Object.assign(err, { details });
}

export function detailsOf(err: unknown): ErrorDetails | null {
  if (typeof err !== 'object' || err === null || !('details' in err)) return null;
  const d = err.details;
  return typeof d === 'object' && d !== null ? (d as ErrorDetails) : null;
}

/** Thrown by the store helpers (also used outside HTTP, by the CLI) for bad user input. */
export class InvalidUserError extends Error {
  override name = 'InvalidUserError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** A password the policy refuses (shared/password-policy.ts), with the reason code. */
export class PasswordPolicyError extends InvalidUserError {
  override name = 'PasswordPolicyError';
  constructor(readonly reason: PasswordProblem) {
    super('password', PASSWORD_PROBLEM_TEXT[reason]);
  }
}

export class DuplicateUserError extends Error {
  override name = 'DuplicateUserError';
  constructor(readonly username: string) {
    super(`user ${username} already exists`);
  }
}

export class KioskTokenNotFoundError extends Error {
  override name = 'KioskTokenNotFoundError';
  constructor() {
    super('kiosk token not found');
  }
}

/** A store error about user input as the HTTP error the API answers (400, with the policy's reason). */
export function httpUserError(err: unknown): unknown {
  if (err instanceof PasswordPolicyError) return withDetails(new WeakPasswordError(err.message), { reason: err.reason });
  if (err instanceof InvalidUserError) return new BadRequestError(err.message);
  return err;
}
