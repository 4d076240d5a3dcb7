import type { FastifyInstance } from 'fastify';
import { DOCS_PATH } from './api-docs.js';
import { apiError } from './errors.js';

/**
 * An API request that has no answer after `ms` (its store stopped answering: a frozen database, a
 * network partition) gets `503 timed_out` instead of hanging until the client gives up. What it
 * started goes on and may still take effect once the store answers. Not for autocomplete (model
 * calls have their own COMPLETION_TIMEOUT_MS) nor the docs' files.
 *
 * Fastify's own `handlerTimeout` is not used: its timer is cleared as soon as a request body has
 * been read (fastify/fastify#6725), so it never fires for a POST or PUT.
 */
export function registerApiTimeout(app: FastifyInstance, ms: number): void {
  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route === undefined || !route.startsWith('/api/') || route === '/api/autocomplete' || route.startsWith(DOCS_PATH)) return;
    const timer = setTimeout(() => {
      if (reply.sent || reply.raw.headersSent) return;
      request.log.warn({ timeoutMs: ms }, 'request timed out');
      void reply.status(503).send(apiError('timed_out', 'the server could not answer in time; try again shortly'));
    }, ms);
    // 'close' fires once: when the answer is out, or when the client went away first.
    reply.raw.once('close', () => clearTimeout(timer));
  });
}
