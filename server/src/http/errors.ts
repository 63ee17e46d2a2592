// Errors the HTTP edge answers with. Every error body is `{ error: CODE, message, field? }` (DESIGN §8); the
// codes are stable and listed once here so clients and tests can rely on them.
export const ERROR_CODES = {
  bad_request: 400,
  validation_failed: 400,
  invalid_mac: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  range_not_satisfiable: 416,
  too_many_requests: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class ApiError extends Error {
  readonly statusCode: number;
  constructor(readonly code: ErrorCode, message: string, readonly field?: string) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = ERROR_CODES[code];
  }

  toJSON(): { error: ErrorCode; message: string; field?: string } {
    return this.field === undefined
      ? { error: this.code, message: this.message }
      : { error: this.code, message: this.message, field: this.field };
  }
}
