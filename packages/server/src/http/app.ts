import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { ServerCapabilities } from '@pairwise/protocol';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { RoomAccessControl } from '../access/room-access.js';
import type { RoomSharing } from '../access/sharing.js';
import type { RoomHistory } from '../history/room-history.js';
import type { RoomService } from '../rooms/room-service.js';
import { registerApiDocs } from './api-docs.js';
import { registerApiTimeout } from './api-timeout.js';
import { registerAuthHooks, type HttpAuthOptions } from './auth-hooks.js';
import { registerAuthRoutes, type AuthRoutesOptions } from './auth-routes.js';
import { registerAutocompleteRoute, type AutocompleteRouteOptions } from './autocomplete-route.js';
import { registerCapabilitiesRoute } from './capabilities-route.js';
import { type ChatRoutesOptions, registerChatRoutes } from './chat-routes.js';
import { inlineScriptHashes } from './csp.js';
import { apiError, handleError } from './errors.js';
import { registerHistoryRoutes } from './history-routes.js';
import { registerHardening, type HttpHardeningOptions } from './hardening.js';
import { type Readiness, registerProbeRoutes } from './readiness.js';
import { registerMetricsRoute, type MetricsRouteOptions } from './metrics-route.js';
import { registerRoomRoutes } from './rooms-routes.js';
import { registerRunsRoutes, type RunsRoutesOptions } from './runs-routes.js';
import { registerSharingRoutes } from './sharing-routes.js';

export interface HttpAppOptions {
  rooms: RoomService;
  history: RoomHistory;
  sharing: RoomSharing;
  chat: ChatRoutesOptions;
  runs: RunsRoutesOptions;
  /** What `GET /api/capabilities` tells the web app. */
  capabilities: ServerCapabilities;
  access: RoomAccessControl;
  auth: HttpAuthOptions & AuthRoutesOptions;
  /** Answers `GET /ready`; while it drains, every request but the probes is refused with 503. */
  readiness: Readiness;
  autocomplete: AutocompleteRouteOptions;
  /** The built web app; null (or a missing directory) serves the API only. */
  webDistDir: string | null;
  /** How long an API request may take before it is answered 503 `timed_out`. */
  apiTimeoutMs: number;
  hardening: HttpHardeningOptions;
  /** Serves `GET /metrics` when given. */
  metrics?: MetricsRouteOptions;
  log: Logger;
}

export const REQUEST_ID_HEADER = 'x-request-id';

/** The Fastify app: JSON API, health check and the built web app (with client-side routes). */
export async function buildHttpApp(options: HttpAppOptions): Promise<FastifyInstance> {
  // Typed as Fastify's logger so the instance keeps Fastify's default generics.
  const loggerInstance: FastifyBaseLogger = options.log;
  // A line per API request, with its id; not for the web app's files, the probes or autocomplete
  // (every keystroke), whose errors are still logged by handleError with the request's id.
  const logController = new LogController({ disableRequestLogging: (request) => !isLoggedRequest(request.url) });
  const app = Fastify({
    loggerInstance,
    logController,
    // Random, so ids from different instances never collide; a client-sent id is not trusted.
    genReqId: () => randomUUID(),
    // URLs the router refuses before any route runs (bad percent-encoding, over-long ids) get the API's error shape too.
    // (The cast drops the route generics Fastify threads through this hook; no route has run yet.)
    frameworkErrors: (error, _request, reply) => void (reply as FastifyReply).status(400).send(apiError('invalid_request', error.message)),
    trustProxy: options.hardening.trust,
  });
  app.setErrorHandler(handleError);
  // Echoed so a user or a proxy can quote it, and the request's log lines be found.
  app.addHook('onRequest', async (request, reply) => void reply.header(REQUEST_ID_HEADER, request.id));

  const webDir = options.webDistDir;
  const serveWeb = webDir !== null && existsSync(join(webDir, 'index.html'));
  // Read once: a rebuild served without a restart keeps working unless it changes the inline script itself.
  const scriptHashes = serveWeb ? inlineScriptHashes(readFileSync(join(webDir, 'index.html'), 'utf8')) : [];
  await registerHardening(app, options.hardening, scriptHashes);
  registerApiTimeout(app, options.apiTimeoutMs);
  await registerApiDocs(app);
  registerProbeRoutes(app, options.readiness);

  if (options.metrics) registerMetricsRoute(app, options.metrics);
  await registerAuthHooks(app, options.auth);
  registerAuthRoutes(app, options.auth);
  registerRoomRoutes(app, options.rooms, options.access);
  registerHistoryRoutes(app, options.history, options.access);
  registerSharingRoutes(app, options.sharing, options.access);
  registerChatRoutes(app, options.chat, options.access);
  registerRunsRoutes(app, options.runs, options.access);
  registerAutocompleteRoute(app, options.autocomplete);
  registerCapabilitiesRoute(app, options.capabilities);

  // Files are looked up per request (wildcard), so a rebuild of the web app is served without a restart.
  if (serveWeb) await app.register(fastifyStatic, { root: webDir });

  app.setNotFoundHandler((request, reply) => {
    if (serveWeb && isClientRoute(request.method, request.url)) return reply.sendFile('index.html');
    return reply.status(404).send(apiError('not_found', `no route for ${request.method} ${request.url.split('?')[0]}`));
  });
  return app;
}

function isLoggedRequest(url: string): boolean {
  return url.startsWith('/api/') && !url.startsWith('/api/autocomplete');
}

/** Page URLs the web app routes itself (e.g. /r/abc) get index.html; API paths and missing files get a 404. */
function isClientRoute(method: string, url: string): boolean {
  const path = url.split('?', 1)[0] ?? '';
  const lastSegment = path.slice(path.lastIndexOf('/') + 1);
  return (
    method === 'GET' && !path.startsWith('/api/') && !path.startsWith('/ws/') && !path.startsWith('/assets/') && !lastSegment.includes('.')
  );
}
