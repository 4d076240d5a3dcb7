import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { addressKey, type TrustFunction } from '../limits/client-address.js';
import { KeyedRate } from '../limits/keyed-rate.js';
import type { ServerEvents } from '../observability/server-events.js';
import { contentSecurityPolicy } from './csp.js';
import { HttpError } from './errors.js';

export interface HttpHardeningOptions {
  /** Which proxies' X-Forwarded-For is believed for the client address; false: none. */
  trust: TrustFunction | false;
  /** API requests per client address per minute (routes with a limit of their own count only against that). */
  apiRequestsPerMinute: number;
  /** `POST /api/rooms` per client address per hour, on top of the API limit. */
  roomCreationsPerHour: number;
  /** Counts the requests these limits refuse. */
  limitEvents: Pick<ServerEvents, 'limitHit'>;
}

const ROOMS_PATH = '/api/rooms';

/**
 * Security headers and per-address limits for every HTTP answer. Register before any route: the
 * rate-limit plugin attaches itself to routes as they are added.
 */
export async function registerHardening(
  app: FastifyInstance,
  options: HttpHardeningOptions,
  scriptHashes: readonly string[],
): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(scriptHashes) },
    // Cross-origin isolation (with helmet's default `Cross-Origin-Opener-Policy: same-origin`): the
    // page gets SharedArrayBuffer, which a Python run needs to be stopped and to block in `input()`.
    // Everything the app loads is its own, so requiring CORP costs nothing.
    crossOriginEmbedderPolicy: { policy: 'require-corp' },
  });
  await app.register(rateLimit, {
    global: true,
    max: options.apiRequestsPerMinute,
    timeWindow: 60_000,
    // The web app's files and the probes (/health, /ready) are not the API: a page load fetches dozens of assets, and
    // monitoring must never be refused.
    allowList: (request) => !request.url.startsWith('/api/'),
    // Routes with a limit of their own (autocomplete) count their refusals under their own name.
    onExceeded: () => options.limitEvents.limitHit('api_rate'),
    // The plugin throws what this returns; an HttpError gets the API's error shape from the error handler.
    errorResponseBuilder: (_request, context) =>
      new HttpError(context.statusCode, 'rate_limited', `too many requests from this address; retry in ${context.after}`),
  });
  limitRoomCreations(app, options.roomCreationsPerHour, options.limitEvents);
}

/** Room creations (attempts, successful or not) per client address per hour: `429` with Retry-After past it. */
function limitRoomCreations(app: FastifyInstance, perHour: number, events: Pick<ServerEvents, 'limitHit'>): void {
  const creations = new KeyedRate(perHour, 3_600_000);
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST' || request.routeOptions.url !== ROOMS_PATH) return;
    const decision = creations.take(addressKey(request.ip), performance.now());
    if (decision.allowed) return;
    events.limitHit('room_creation_rate');
    void reply.header('retry-after', decision.retryAfterSeconds);
    throw new HttpError(429, 'rate_limited', `too many rooms created from this address; retry in ${decision.retryAfterSeconds} s`);
  });
}
