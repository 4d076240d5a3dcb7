import type { IncomingMessage } from 'node:http';
import { type LoggerOptions, pino } from 'pino';
import { CREDENTIALS } from '@pairwise/protocol';

/** Query parameters that carry credentials (WebSocket upgrades): their values never reach a log. */
const SECRET_PARAMS: readonly string[] = [CREDENTIALS.tokenParam, CREDENTIALS.ownerKeyParam, CREDENTIALS.linkParam];

/** Headers that carry credentials, wherever a request or response is logged whole. */
const SECRET_HEADERS = ['authorization', 'cookie', CREDENTIALS.ownerKeyHeader, CREDENTIALS.linkHeader];
const REDACTED_PATHS = [
  ...SECRET_HEADERS.flatMap((name) => [`req.headers["${name}"]`, `headers["${name}"]`, `request.headers["${name}"]`]),
  'res.headers["set-cookie"]',
];

export type LogLevel = NonNullable<LoggerOptions['level']>;

/**
 * The server's logger: JSON lines at `level`. Tokens, owner keys, share-link tokens and cookies
 * never appear: a logged request keeps method, path and query names but not credential values,
 * and credential headers are censored wherever a request is logged whole.
 */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): pino.Logger {
  const options: LoggerOptions = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // Fastify merges these over its own serializers, so its request lines use them too.
    serializers: { req: serializeRequest },
  };
  return destination ? pino(options, destination) : pino(options);
}

function serializeRequest(request: IncomingMessage & { ip?: string }): Record<string, unknown> {
  return { method: request.method, url: redactUrl(request.url ?? ''), remoteAddress: request.ip ?? request.socket?.remoteAddress };
}

/** The URL with the values of credential query parameters replaced. */
export function redactUrl(url: string): string {
  const at = url.indexOf('?');
  if (at === -1) return url;
  const query = new URLSearchParams(url.slice(at + 1));
  for (const name of SECRET_PARAMS) if (query.has(name)) query.set(name, '[redacted]');
  return `${url.slice(0, at)}?${query.toString()}`;
}
