import type { FastifyInstance } from 'fastify';
import { runsQuerySchema } from '@pairwise/protocol';
import type { RoomAccessControl } from '../access/room-access.js';
import type { RunService } from '../runs/run-service.js';
import { answers, ROOM_CALLER } from './api-docs.js';
import { requireRole, roomIdParams } from './room-guard.js';
import type { ZodTypeProvider } from './zod-schemas.js';

/** `/api/rooms/:id/runs`: every role reads the room's runs; callers without a role get 404 like every room route. */
export function registerRunsRoutes(fastify: FastifyInstance, runs: RunService, access: RoomAccessControl): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const listRuns = {
    tags: ['runs'],
    security: ROOM_CALLER,
    params: roomIdParams,
    summary: "The room's runs of its code, newest first, each with its output (any role)",
    querystring: runsQuerySchema,
    response: answers({ 200: 'RunList: runs and `nextBefore`, the cursor of older ones' }, { 404: 'room_not_found' }),
  };
  app.get('/api/rooms/:id/runs', { schema: listRuns }, async (request) => {
    const { id } = request.params;
    await requireRole(access, request, id, 'viewer');
    return runs.list(id, request.query.before, request.query.limit);
  });
}
