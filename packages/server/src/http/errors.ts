import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodType } from 'zod';
import type { ApiError } from '@pairwise/protocol';
import { StorageUnavailableError } from '../persistence/group-commit.js';
import { StoreUnreachableError } from '../storage/store.js';

/** An error with the status and machine-readable code the client gets as `{error: {code, message}}`. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function apiError(code: string, message: string): ApiError {
  return { error: { code, message } };
}

/** Parse untrusted input with a schema, or throw a 400 that says what is wrong and where. */
export function parseInput<T>(schema: ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message));
  throw new HttpError(400, 'invalid_request', `invalid ${what}: ${issues.join('; ')}`);
}

/** Fastify's own errors (bad JSON, body too large, wrong content type) mapped to the API's error shape. */
const FRAMEWORK_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
};

export function handleError(error: FastifyError | HttpError, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof HttpError) {
    void reply.status(error.statusCode).send(apiError(error.code, error.message));
    return;
  }
  if (error instanceof StorageUnavailableError) {
    void reply.status(503).send(apiError('storage_unavailable', 'the server cannot store changes right now; try again shortly'));
    return;
  }
  // The database is down or restarting: nothing the client did wrong, and worth a retry shortly.
  if (error instanceof StoreUnreachableError) {
    request.log.warn({ err: error }, 'request failed: the store is unreachable');
    void reply.status(503).send(apiError('storage_unavailable', 'the server cannot reach its storage right now; try again shortly'));
    return;
  }
  const status = error.statusCode ?? 500;
  if (status >= 500) {
    request.log.error({ err: error }, 'request failed');
    void reply.status(status).send(apiError('internal_error', 'something went wrong on the server'));
    return;
  }
  const code = FRAMEWORK_CODES[error.code] ?? 'invalid_request';
  void reply.status(status).send(apiError(code, error.message));
}
