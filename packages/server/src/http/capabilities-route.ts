import type { FastifyInstance } from 'fastify';
import type { ServerCapabilities } from '@pairwise/protocol';
import { answers, ANYONE } from './api-docs.js';

/**
 * `GET /api/capabilities`: what this server offers, so the web app offers exactly that: whether to run
 * the local completion engine itself, and whether the server runs code (and which languages).
 */
export function registerCapabilitiesRoute(fastify: FastifyInstance, capabilities: ServerCapabilities): void {
  const schema = {
    summary: 'What this server offers the web app',
    tags: ['autocomplete', 'runs'],
    security: ANYONE,
    response: answers({ 200: 'ServerCapabilities' }),
  };
  fastify.get('/api/capabilities', { schema }, async (): Promise<ServerCapabilities> => capabilities);
}
