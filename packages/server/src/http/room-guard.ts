import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { roleAtLeast, roomIdSchema, type RoomRole } from '@pairwise/protocol';
import type { RoomAccessControl, RoomMember } from '../access/room-access.js';
import { requestCredentials, requestPrincipal } from './auth-hooks.js';
import { HttpError } from './errors.js';

/**
 * The caller's standing in a room, if it reaches `needed`. A room the caller has no role in answers
 * 404 exactly like a room that does not exist (a private room's outsiders learn nothing); a role
 * too low for the request is 403.
 */
export async function requireRole(
  access: RoomAccessControl,
  request: FastifyRequest,
  roomId: string,
  needed: RoomRole,
): Promise<RoomMember> {
  const standing = await access.standing(roomId, requestPrincipal(request), requestCredentials(request).presented);
  if (standing === null || standing.role === null) roomNotFound(roomId);
  if (!roleAtLeast(standing.role, needed))
    throw new HttpError(403, 'forbidden', `this needs the ${needed} role in the room; you are ${standing.role}`);
  return { access: standing.access, role: standing.role };
}

/** The `:id` path parameter of the `/api/rooms/:id` routes. */
export const roomIdParams = z.strictObject({ id: roomIdSchema });

export function roomNotFound(id: string): never {
  throw new HttpError(404, 'room_not_found', `room ${id} does not exist`);
}
