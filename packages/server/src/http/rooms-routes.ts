import type { FastifyInstance } from 'fastify';
import { createRoomBodySchema, listRoomsQuerySchema, updateRoomBodySchema } from '@pairwise/protocol';
import { answers, ROOM_CALLER } from './api-docs.js';
import type { RoomAccessControl } from '../access/room-access.js';
import { InvalidCursorError, type RoomService, TooManyRoomsError } from '../rooms/room-service.js';
import { RoomExistsError } from '../storage/store.js';
import { requestPrincipal } from './auth-hooks.js';
import { HttpError } from './errors.js';
import { requireRole, roomIdParams, roomNotFound } from './room-guard.js';
import type { ZodTypeProvider } from './zod-schemas.js';

/**
 * `/api/rooms`: create, list the caller's rooms, read (any role), change settings and delete
 * (owner). Rooms the caller has no role in answer 404 like rooms that do not exist.
 */
export function registerRoomRoutes(fastify: FastifyInstance, rooms: RoomService, access: RoomAccessControl): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const room = { tags: ['rooms'], security: ROOM_CALLER, params: roomIdParams };
  const createRoom = {
    summary: 'Create a room',
    tags: ['rooms'],
    security: ROOM_CALLER,
    // No body at all creates a room with every default.
    body: createRoomBodySchema.prefault({}),
    response: answers(
      { 201: 'CreatedRoom: the room; `ownerKey` (shown once) when a guest created it' },
      { 409: 'room_exists', 429: 'too_many_rooms, or rate_limited: too many rooms created from this address' },
    ),
  };
  app.post('/api/rooms', { schema: createRoom }, async (request, reply) => {
    const body = request.body;
    try {
      return await reply.status(201).send(await rooms.create(body, requestPrincipal(request)));
    } catch (err) {
      if (err instanceof RoomExistsError) throw new HttpError(409, 'room_exists', `room ${body.id} already exists`);
      if (err instanceof TooManyRoomsError) throw new HttpError(429, 'too_many_rooms', err.message);
      throw err;
    }
  });

  const listRooms = {
    summary: 'List the rooms the caller has a role in, most recently changed first',
    tags: ['rooms'],
    security: ROOM_CALLER,
    querystring: listRoomsQuerySchema,
    response: answers({ 200: 'RoomList: a page of rooms and the cursor of the next' }),
  };
  app.get('/api/rooms', { schema: listRooms }, async (request) => {
    const query = request.query;
    try {
      return await rooms.list(requestPrincipal(request), query.limit, query.cursor);
    } catch (err) {
      if (err instanceof InvalidCursorError) throw new HttpError(400, 'invalid_request', err.message);
      throw err;
    }
  });

  const getRoom = {
    ...room,
    summary: 'Read a room and its code (any role)',
    response: answers({ 200: 'RoomDetails' }, { 404: 'room_not_found' }),
  };
  app.get('/api/rooms/:id', { schema: getRoom }, async (request) => {
    const { id } = request.params;
    const standing = await requireRole(access, request, id, 'viewer');
    return (await rooms.get(id, standing)) ?? roomNotFound(id);
  });

  const updateRoom = {
    ...room,
    summary: 'Change a room’s settings (owner)',
    body: updateRoomBodySchema,
    response: answers({ 200: 'RoomSummary' }, { 403: 'forbidden: not the owner', 404: 'room_not_found' }),
  };
  app.patch('/api/rooms/:id', { schema: updateRoom }, async (request) => {
    const { id } = request.params;
    const change = request.body;
    const standing = await requireRole(access, request, id, 'owner');
    return (await rooms.update(id, change, standing)) ?? roomNotFound(id);
  });

  const deleteRoom = {
    ...room,
    summary: 'Delete a room (owner)',
    response: answers({ 204: 'deleted' }, { 403: 'forbidden: not the owner', 404: 'room_not_found' }),
  };
  app.delete('/api/rooms/:id', { schema: deleteRoom }, async (request, reply) => {
    const { id } = request.params;
    await requireRole(access, request, id, 'owner');
    if (!(await rooms.delete(id))) roomNotFound(id);
    return reply.status(204).send();
  });
}
