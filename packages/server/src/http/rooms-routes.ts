import type { FastifyInstance } from 'fastify';
import { createRoomBodySchema, listRoomsQuerySchema, updateRoomBodySchema } from '@pairwise/protocol';
import type { RoomAccessControl } from '../access/room-access.js';
import { InvalidCursorError, type RoomService, TooManyRoomsError } from '../rooms/room-service.js';
import { RoomExistsError } from '../storage/store.js';
import { requestPrincipal } from './auth-hooks.js';
import { HttpError, parseInput } from './errors.js';
import { requireRole, roomIdParam, roomNotFound } from './room-guard.js';

/**
 * `/api/rooms`: create, list the caller's rooms, read (any role), change settings and delete
 * (owner). Rooms the caller has no role in answer 404 like rooms that do not exist.
 */
export function registerRoomRoutes(app: FastifyInstance, rooms: RoomService, access: RoomAccessControl): void {
  app.post('/api/rooms', async (request, reply) => {
    const body = parseInput(createRoomBodySchema, request.body === undefined ? {} : request.body, 'room');
    try {
      return await reply.status(201).send(await rooms.create(body, requestPrincipal(request)));
    } catch (err) {
      if (err instanceof RoomExistsError) throw new HttpError(409, 'room_exists', `room ${body.id} already exists`);
      if (err instanceof TooManyRoomsError) throw new HttpError(429, 'too_many_rooms', err.message);
      throw err;
    }
  });

  app.get('/api/rooms', async (request) => {
    const query = parseInput(listRoomsQuerySchema, request.query, 'query');
    try {
      return await rooms.list(requestPrincipal(request), query.limit, query.cursor);
    } catch (err) {
      if (err instanceof InvalidCursorError) throw new HttpError(400, 'invalid_request', err.message);
      throw err;
    }
  });

  app.get<{ Params: { id: string } }>('/api/rooms/:id', async (request) => {
    const id = roomIdParam(request.params.id);
    const standing = await requireRole(access, request, id, 'viewer');
    return (await rooms.get(id, standing)) ?? roomNotFound(id);
  });

  app.patch<{ Params: { id: string } }>('/api/rooms/:id', async (request) => {
    const id = roomIdParam(request.params.id);
    const change = parseInput(updateRoomBodySchema, request.body === undefined ? {} : request.body, 'room change');
    const standing = await requireRole(access, request, id, 'owner');
    return (await rooms.update(id, change, standing)) ?? roomNotFound(id);
  });

  app.delete<{ Params: { id: string } }>('/api/rooms/:id', async (request, reply) => {
    const id = roomIdParam(request.params.id);
    await requireRole(access, request, id, 'owner');
    if (!(await rooms.delete(id))) roomNotFound(id);
    return reply.status(204).send();
  });
}
