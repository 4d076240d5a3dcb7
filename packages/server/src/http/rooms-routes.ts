import type { FastifyInstance } from 'fastify';
import { createRoomBodySchema, listRoomsQuerySchema, roomIdSchema, updateRoomBodySchema } from '@pairwise/protocol';
import { InvalidCursorError, type RoomService } from '../rooms/room-service.js';
import { RoomExistsError } from '../storage/store.js';
import { HttpError, parseInput } from './errors.js';

/** `/api/rooms`: create, list, read, rename or re-language, delete. */
export function registerRoomRoutes(app: FastifyInstance, rooms: RoomService): void {
  app.post('/api/rooms', async (request, reply) => {
    const body = parseInput(createRoomBodySchema, request.body === undefined ? {} : request.body, 'room');
    try {
      return await reply.status(201).send(await rooms.create(body));
    } catch (err) {
      if (err instanceof RoomExistsError) throw new HttpError(409, 'room_exists', `room ${body.id} already exists`);
      throw err;
    }
  });

  app.get('/api/rooms', async (request) => {
    const query = parseInput(listRoomsQuerySchema, request.query, 'query');
    try {
      return await rooms.list(query.limit, query.cursor);
    } catch (err) {
      if (err instanceof InvalidCursorError) throw new HttpError(400, 'invalid_request', err.message);
      throw err;
    }
  });

  app.get<{ Params: { id: string } }>('/api/rooms/:id', async (request) => {
    const id = roomIdParam(request.params.id);
    return (await rooms.get(id)) ?? notFound(id);
  });

  app.patch<{ Params: { id: string } }>('/api/rooms/:id', async (request) => {
    const id = roomIdParam(request.params.id);
    const change = parseInput(updateRoomBodySchema, request.body === undefined ? {} : request.body, 'room change');
    return (await rooms.update(id, change)) ?? notFound(id);
  });

  app.delete<{ Params: { id: string } }>('/api/rooms/:id', async (request, reply) => {
    const id = roomIdParam(request.params.id);
    if (!(await rooms.delete(id))) notFound(id);
    return reply.status(204).send();
  });
}

function roomIdParam(value: string): string {
  return parseInput(roomIdSchema, value, 'room id');
}

function notFound(id: string): never {
  throw new HttpError(404, 'room_not_found', `room ${id} does not exist`);
}
