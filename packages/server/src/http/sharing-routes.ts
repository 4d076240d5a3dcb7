import type { FastifyInstance } from 'fastify';
import { createLinkBodySchema, setMemberBodySchema, usernameSchema } from '@pairwise/protocol';
import type { RoomAccessControl } from '../access/room-access.js';
import { type RoomSharing, UnknownUserError } from '../access/sharing.js';
import { HttpError, parseInput } from './errors.js';
import { requireRole, roomIdParam, roomNotFound } from './room-guard.js';

type MemberParams = { Params: { id: string; username: string } };
type LinkParams = { Params: { id: string; linkId: string } };
type RoomParams = { Params: { id: string } };

const LINK_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** `/api/rooms/:id/members` and `/api/rooms/:id/links`: the owner decides who gets in, and how. */
export function registerSharingRoutes(app: FastifyInstance, sharing: RoomSharing, access: RoomAccessControl): void {
  app.get<RoomParams>('/api/rooms/:id/members', async (request) => {
    const id = roomIdParam(request.params.id);
    await requireRole(access, request, id, 'owner');
    return { members: await sharing.members(id) };
  });

  app.put<MemberParams>('/api/rooms/:id/members/:username', async (request) => {
    const id = roomIdParam(request.params.id);
    const username = parseInput(usernameSchema, request.params.username, 'username');
    const { role } = parseInput(setMemberBodySchema, request.body, 'member');
    await requireRole(access, request, id, 'owner');
    try {
      return (await sharing.setMember(id, username, role)) ?? roomNotFound(id);
    } catch (err) {
      if (err instanceof UnknownUserError) throw new HttpError(404, 'user_not_found', err.message);
      throw err;
    }
  });

  app.delete<MemberParams>('/api/rooms/:id/members/:username', async (request, reply) => {
    const id = roomIdParam(request.params.id);
    const username = parseInput(usernameSchema, request.params.username, 'username');
    await requireRole(access, request, id, 'owner');
    if (!(await sharing.removeMember(id, username)))
      throw new HttpError(404, 'member_not_found', `${username} is not a member of room ${id}`);
    return reply.status(204).send();
  });

  app.post<RoomParams>('/api/rooms/:id/links', async (request, reply) => {
    const id = roomIdParam(request.params.id);
    const body = parseInput(createLinkBodySchema, request.body, 'link');
    await requireRole(access, request, id, 'owner');
    return reply.status(201).send((await sharing.createLink(id, body)) ?? roomNotFound(id));
  });

  app.get<RoomParams>('/api/rooms/:id/links', async (request) => {
    const id = roomIdParam(request.params.id);
    await requireRole(access, request, id, 'owner');
    return { links: await sharing.links(id) };
  });

  app.delete<LinkParams>('/api/rooms/:id/links/:linkId', async (request, reply) => {
    const id = roomIdParam(request.params.id);
    await requireRole(access, request, id, 'owner');
    const { linkId } = request.params;
    if (!LINK_ID_PATTERN.test(linkId) || !(await sharing.revokeLink(id, linkId))) {
      throw new HttpError(404, 'link_not_found', `room ${id} has no active link ${linkId}`);
    }
    return reply.status(204).send();
  });
}
