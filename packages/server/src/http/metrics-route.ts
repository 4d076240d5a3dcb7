import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hashSecret, matchesHash } from '../access/secret-tokens.js';
import { HttpError } from './errors.js';

/** Anything that renders metrics in a text exposition format (PromServerEvents). */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

export interface MetricsRouteOptions {
  source: MetricsSource;
  /** When set, scrapes must send `Authorization: Bearer <token>`; null: open to anyone who reaches the port. */
  token: string | null;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * `GET /metrics` for Prometheus. Outside `/api/`, so no API rate limit, session or cookie applies:
 * a scraper must never be refused for polling.
 */
export function registerMetricsRoute(app: FastifyInstance, options: MetricsRouteOptions): void {
  // Only the hash is kept, and compared in constant time, as for owner keys and share links.
  const tokenHash = options.token === null ? null : hashSecret(options.token);
  app.get('/metrics', async (request, reply) => {
    if (tokenHash !== null && !presentsToken(request, tokenHash)) {
      void reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw new HttpError(401, 'unauthorized', 'metrics need Authorization: Bearer <METRICS_TOKEN>');
    }
    const text = await options.source.metrics();
    return reply.type(options.source.contentType).send(text);
  });
}

function presentsToken(request: FastifyRequest, tokenHash: string): boolean {
  const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
  return token !== undefined && matchesHash(token, tokenHash);
}
