import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { RoomService } from '../rooms/room-service.js';
import type { RoomStore } from '../storage/store.js';
import { apiError, handleError } from './errors.js';
import { registerRoomRoutes } from './rooms-routes.js';

export interface HttpAppOptions {
  rooms: RoomService;
  store: RoomStore;
  /** The built web app; null (or a missing directory) serves the API only. */
  webDistDir: string | null;
  log: Logger;
}

const HEALTH_TIMEOUT_MS = 2_000;

/** The Fastify app: JSON API, health check and the built web app (with client-side routes). */
export async function buildHttpApp(options: HttpAppOptions): Promise<FastifyInstance> {
  // Typed as Fastify's logger so the instance keeps Fastify's default generics.
  const loggerInstance: FastifyBaseLogger = options.log;
  // Per-request lines would log every autocomplete keystroke; errors are still logged by handleError.
  const logController = new LogController({ disableRequestLogging: true });
  const app = Fastify({ loggerInstance, logController });
  app.setErrorHandler(handleError);

  app.get('/health', async (_request, reply) => {
    try {
      await withTimeout(options.store.ping(), HEALTH_TIMEOUT_MS);
      return { status: 'ok' };
    } catch (err) {
      return reply.status(503).send({ status: 'unavailable', reason: `store: ${(err as Error).message}` });
    }
  });
  registerRoomRoutes(app, options.rooms);

  const webDir = options.webDistDir;
  const serveWeb = webDir !== null && existsSync(join(webDir, 'index.html'));
  if (serveWeb) await app.register(fastifyStatic, { root: webDir, wildcard: false });

  app.setNotFoundHandler((request, reply) => {
    const isPage = request.method === 'GET' && !request.url.startsWith('/api/') && !request.url.startsWith('/ws/');
    if (serveWeb && isPage) return reply.sendFile('index.html');
    return reply.status(404).send(apiError('not_found', `no route for ${request.method} ${request.url.split('?')[0]}`));
  });
  return app;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
