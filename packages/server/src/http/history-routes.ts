import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { createVersionBodySchema, roleAtLeast, roomIdSchema, timelineQuerySchema } from '@pairwise/protocol';
import type { RoomAccessControl, RoomMember } from '../access/room-access.js';
import type { RoomHistory } from '../history/room-history.js';
import { answers, ROOM_CALLER } from './api-docs.js';
import { requestPrincipal } from './auth-hooks.js';
import { HttpError } from './errors.js';
import { requireRole, roomIdParams, roomNotFound } from './room-guard.js';
import type { ZodTypeProvider } from './zod-schemas.js';

const versionParams = z.strictObject({ id: roomIdSchema, v: z.uuid('version id must be a UUID') });
const seqParams = z.strictObject({ id: roomIdSchema, seq: z.coerce.number().int().positive() });
const textQuery = z.strictObject({ state: z.enum(['0', '1']).default('0') });

/**
 * Versions, the keystroke timeline and the code at any moment. Who may see a room's history is the
 * history readers' rule (historyReader); changing anything (a named version, a restore) also takes
 * the editor role.
 */
export function registerHistoryRoutes(fastify: FastifyInstance, history: RoomHistory, access: RoomAccessControl): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['history'];
  const denied = { 403: 'forbidden: the room keeps its history for other roles', 404: 'room_not_found' };

  app.get(
    '/api/rooms/:id/versions',
    {
      schema: {
        tags,
        security: ROOM_CALLER,
        params: roomIdParams,
        summary: 'List versions, newest first',
        response: answers({ 200: 'VersionList' }, denied),
      },
    },
    async (request) => {
      await historyReader(access, request, request.params.id);
      return history.listVersions(request.params.id);
    },
  );

  const createVersion = {
    tags,
    security: ROOM_CALLER,
    params: roomIdParams,
    body: createVersionBodySchema,
    summary: 'Name the code as it is now (editors)',
    response: answers({ 201: 'VersionSummary' }, denied),
  };
  app.post('/api/rooms/:id/versions', { schema: createVersion }, async (request, reply) => {
    const { id } = request.params;
    await historyReader(access, request, id, 'editor');
    const version = await history.createVersion(id, { name: request.body.name, auto: false });
    return reply.status(201).send(version ?? roomNotFound(id));
  });

  app.get(
    '/api/rooms/:id/versions/:v',
    {
      schema: {
        tags,
        security: ROOM_CALLER,
        params: versionParams,
        summary: 'A version with its code',
        response: answers({ 200: 'VersionDetails' }, denied),
      },
    },
    async (request) => {
      const { id, v } = request.params;
      await historyReader(access, request, id);
      return (await history.getVersion(id, v)) ?? versionNotFound(v);
    },
  );

  const restore = {
    tags,
    security: ROOM_CALLER,
    params: versionParams,
    summary: 'Restore a version as a new edit on top (editors)',
    response: answers({ 200: 'VersionDetails: the version restored' }, denied),
  };
  app.post('/api/rooms/:id/versions/:v/restore', { schema: restore }, async (request) => {
    const { id, v } = request.params;
    await historyReader(access, request, id, 'editor');
    const author = await history.authorOf(id, requestPrincipal(request));
    return (await history.restore(id, v, author)) ?? versionNotFound(v);
  });

  const timeline = {
    tags,
    security: ROOM_CALLER,
    params: roomIdParams,
    querystring: timelineQuerySchema,
    summary: 'The stored changes after a point, oldest first (paged)',
    response: answers({ 200: 'TimelinePage' }, denied),
  };
  app.get('/api/rooms/:id/timeline', { schema: timeline }, async (request) => {
    await historyReader(access, request, request.params.id);
    return history.timeline(request.params.id, request.query);
  });

  const moment = {
    tags,
    security: ROOM_CALLER,
    params: seqParams,
    querystring: textQuery,
    summary: 'The code right after a point of the timeline',
    response: answers({ 200: 'TimelineText' }, { ...denied, 404: 'room_not_found, or point_not_found' }),
  };
  app.get('/api/rooms/:id/timeline/:seq', { schema: moment }, async (request) => {
    const { id, seq } = request.params;
    await historyReader(access, request, id);
    const text = await history.textAt(id, seq, request.query.state === '1');
    if (!text) throw new HttpError(404, 'point_not_found', `the history of room ${id} holds no point ${seq}`);
    return text;
  });
}

/**
 * The caller may see the room's history: editors and owners (a viewer watching an interview does
 * not see the candidate's drafts), and `also` when a change needs more.
 */
async function historyReader(access: RoomAccessControl, request: FastifyRequest, roomId: string, also?: 'editor'): Promise<RoomMember> {
  const member = await requireRole(access, request, roomId, 'viewer');
  const needed = also ?? 'editor';
  if (!roleAtLeast(member.role, needed)) throw new HttpError(403, 'forbidden', `the history of this room is for the ${needed} role and up`);
  return member;
}

function versionNotFound(v: string): never {
  throw new HttpError(404, 'version_not_found', `no version ${v} in this room`);
}
