/** Coded errors: every failure that crosses a module border carries a stable code. */
export const ErrorCode = {
  ConfigInvalid: 'AALS_CONFIG_INVALID',
  ConfigNotFound: 'AALS_CONFIG_NOT_FOUND',
  BadInput: 'AALS_BAD_INPUT',
  PayloadTooLarge: 'AALS_PAYLOAD_TOO_LARGE',
  StoreFailed: 'AALS_STORE_FAILED',
  IntegrationUnavailable: 'AALS_INTEGRATION_UNAVAILABLE',
  AuditBroken: 'AALS_AUDIT_BROKEN',
  Unauthorized: 'AALS_UNAUTHORIZED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class AalsError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'AalsError';
    this.code = code;
    this.details = details;
  }
}

export function isAalsError(error: unknown, code?: ErrorCode): error is AalsError {
  return error instanceof AalsError && (code === undefined || error.code === code);
}

/** Checks the shape, not `instanceof`: errors thrown by native addons (better-sqlite3) can come
 * from another realm (e.g. Jest's VM context), where `instanceof Error` is false. */
export function isErrorLike(value: unknown): value is Error {
  return (
    value instanceof Error ||
    (typeof value === 'object' &&
      value !== null &&
      typeof (value as { message?: unknown }).message === 'string' &&
      typeof (value as { name?: unknown }).name === 'string')
  );
}

export function errorMessage(error: unknown): string {
  return isErrorLike(error) ? error.message : String(error);
}

/** The outcome that crosses module borders instead of an exception (see docs/architecture.md). */
export type Result<T> =
  | { status: 'ok'; value: T }
  | { status: 'no_data'; reason: string }
  | { status: 'error'; error: string; details?: Record<string, unknown> };

export const ok = <T>(value: T): Result<T> => ({ status: 'ok', value });
export const failed = <T>(error: string, details?: Record<string, unknown>): Result<T> =>
  details ? { status: 'error', error, details } : { status: 'error', error };
