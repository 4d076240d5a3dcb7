import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { RoomAccessControl } from '../access/room-access.js';
import type { RoomSharing } from '../access/sharing.js';
import type { GroupCommitter } from '../persistence/group-commit.js';
import type { RoomService } from '../rooms/room-service.js';
import type { RoomStore } from '../storage/store.js';
import { registerApiDocs } from './api-docs.js';
import { registerAuthHooks, type HttpAuthOptions } from './auth-hooks.js';
import { registerAuthRoutes, type AuthRoutesOptions } from './auth-routes.js';
import { registerAutocompleteRoute, type AutocompleteRouteOptions } from './autocomplete-route.js';
import { inlineScriptHashes } from './csp.js';
import { apiError, handleError } from './errors.js';
import { registerHardening, type HttpHardeningOptions } from './hardening.js';
import { registerMetricsRoute, type MetricsRouteOptions } from './metrics-route.js';
import { registerRoomRoutes } from './rooms-routes.js';
import { registerSharingRoutes } from './sharing-routes.js';

export interface HttpAppOptions {
  rooms: RoomService;
  sharing: RoomSharing;
  access: RoomAccessControl;
  auth: HttpAuthOptions & AuthRoutesOptions;
  store: RoomStore;
  /** Its failing writes make the server unhealthy even while the store answers pings. */
  commits: Pick<GroupCommitter, 'failing'>;
  autocomplete: AutocompleteRouteOptions;
  /** The built web app; null (or a missing directory) serves the API only. */
  webDistDir: string | null;
  hardening: HttpHardeningOptions;
  /** Serves `GET /metrics` when given. */
  metrics?: MetricsRouteOptions;
  log: Logger;
}

const HEALTH_TIMEOUT_MS = 2_000;

/** The Fastify app: JSON API, health check and the built web app (with client-side routes). */
export async function buildHttpApp(options: HttpAppOptions): Promise<FastifyInstance> {
  // Typed as Fastify's logger so the instance keeps Fastify's default generics.
  const loggerInstance: FastifyBaseLogger = options.log;
  // Per-request lines would log every autocomplete keystroke; errors are still logged by handleError.
  const logController = new LogController({ disableRequestLogging: true });
  const app = Fastify({
    loggerInstance,
    logController,
    // URLs the router refuses before any route runs (bad percent-encoding, over-long ids) get the API's error shape too.
    // (The cast drops the route generics Fastify threads through this hook; no route has run yet.)
    frameworkErrors: (error, _request, reply) => void (reply as FastifyReply).status(400).send(apiError('invalid_request', error.message)),
    trustProxy: options.hardening.trust,
  });
  app.setErrorHandler(handleError);

  const webDir = options.webDistDir;
  const serveWeb = webDir !== null && existsSync(join(webDir, 'index.html'));
  // Read once: a rebuild served without a restart keeps working unless it changes the inline script itself.
  const scriptHashes = serveWeb ? inlineScriptHashes(readFileSync(join(webDir, 'index.html'), 'utf8')) : [];
  await registerHardening(app, options.hardening, scriptHashes);
  await registerApiDocs(app);

  const health = {
    summary: 'Health: 200 when the store answers and takes writes, 503 with a reason when not',
    tags: ['operations'],
    security: [],
    response: { 200: { description: '{status: "ok"}' }, 503: { description: '{status: "unavailable", reason}' } },
  };
  app.get('/health', { schema: health }, async (_request, reply) => {
    try {
      await withTimeout(options.store.ping(), HEALTH_TIMEOUT_MS);
      // The store may answer a ping yet refuse writes (disk full, read-only): edits are not being kept.
      if (options.commits.failing) {
        return reply.status(503).send({ status: 'unavailable', reason: 'store: writing edits fails; they are kept in memory and retried' });
      }
      return { status: 'ok' };
    } catch (err) {
      return reply.status(503).send({ status: 'unavailable', reason: `store: ${(err as Error).message}` });
    }
  });
  if (options.metrics) registerMetricsRoute(app, options.metrics);
  await registerAuthHooks(app, options.auth);
  registerAuthRoutes(app, options.auth);
  registerRoomRoutes(app, options.rooms, options.access);
  registerSharingRoutes(app, options.sharing, options.access);
  registerAutocompleteRoute(app, options.autocomplete);

  // Files are looked up per request (wildcard), so a rebuild of the web app is served without a restart.
  if (serveWeb) await app.register(fastifyStatic, { root: webDir });

  app.setNotFoundHandler((request, reply) => {
    if (serveWeb && isClientRoute(request.method, request.url)) return reply.sendFile('index.html');
    return reply.status(404).send(apiError('not_found', `no route for ${request.method} ${request.url.split('?')[0]}`));
  });
  return app;
}

/** Page URLs the web app routes itself (e.g. /r/abc) get index.html; API paths and missing files get a 404. */
function isClientRoute(method: string, url: string): boolean {
  const path = url.split('?', 1)[0] ?? '';
  const lastSegment = path.slice(path.lastIndexOf('/') + 1);
  return (
    method === 'GET' && !path.startsWith('/api/') && !path.startsWith('/ws/') && !path.startsWith('/assets/') && !lastSegment.includes('.')
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
