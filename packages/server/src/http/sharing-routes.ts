import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createLinkBodySchema, roomIdSchema, setMemberBodySchema, usernameSchema } from '@pairwise/protocol';
import type { RoomAccessControl } from '../access/room-access.js';
import { type RoomSharing, UnknownUserError } from '../access/sharing.js';
import { answers, ROOM_CALLER } from './api-docs.js';
import { HttpError } from './errors.js';
import { requireRole, roomIdParams, roomNotFound } from './room-guard.js';
import type { ZodTypeProvider } from './zod-schemas.js';

const LINK_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

const memberParams = z.strictObject({ id: roomIdSchema, username: usernameSchema });
// A malformed link id is just a link the room does not have (404), so the handler checks it.
const linkParams = z.strictObject({ id: roomIdSchema, linkId: z.string() });

const OWNER_ERRORS = { 403: 'forbidden: not the owner', 404: 'room_not_found' };
const sharing = { tags: ['sharing'], security: ROOM_CALLER };

/** `/api/rooms/:id/members` and `/api/rooms/:id/links`: the owner decides who gets in, and how. */
export function registerSharingRoutes(fastify: FastifyInstance, rooms: RoomSharing, access: RoomAccessControl): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const listMembers = {
    ...sharing,
    summary: 'List members',
    params: roomIdParams,
    response: answers({ 200: '{members: MemberInfo[]}' }, OWNER_ERRORS),
  };
  app.get('/api/rooms/:id/members', { schema: listMembers }, async (request) => {
    const { id } = request.params;
    await requireRole(access, request, id, 'owner');
    return { members: await rooms.members(id) };
  });

  const setMember = {
    ...sharing,
    summary: 'Give a user a role in the room',
    params: memberParams,
    body: setMemberBodySchema,
    response: answers({ 200: 'MemberInfo' }, { ...OWNER_ERRORS, 404: 'room_not_found or user_not_found' }),
  };
  app.put('/api/rooms/:id/members/:username', { schema: setMember }, async (request) => {
    const { id, username } = request.params;
    await requireRole(access, request, id, 'owner');
    try {
      return (await rooms.setMember(id, username, request.body.role)) ?? roomNotFound(id);
    } catch (err) {
      if (err instanceof UnknownUserError) throw new HttpError(404, 'user_not_found', err.message);
      throw err;
    }
  });

  const removeMember = {
    ...sharing,
    summary: 'Remove a member',
    params: memberParams,
    response: answers({ 204: 'removed' }, { ...OWNER_ERRORS, 404: 'room_not_found or member_not_found' }),
  };
  app.delete('/api/rooms/:id/members/:username', { schema: removeMember }, async (request, reply) => {
    const { id, username } = request.params;
    await requireRole(access, request, id, 'owner');
    if (!(await rooms.removeMember(id, username)))
      throw new HttpError(404, 'member_not_found', `${username} is not a member of room ${id}`);
    return reply.status(204).send();
  });

  const createLink = {
    ...sharing,
    summary: 'Create a share link',
    params: roomIdParams,
    body: createLinkBodySchema,
    response: answers({ 201: 'CreatedShareLink: its `token` is shown only here' }, OWNER_ERRORS),
  };
  app.post('/api/rooms/:id/links', { schema: createLink }, async (request, reply) => {
    const { id } = request.params;
    await requireRole(access, request, id, 'owner');
    return reply.status(201).send((await rooms.createLink(id, request.body)) ?? roomNotFound(id));
  });

  const listLinks = {
    ...sharing,
    summary: 'List share links',
    params: roomIdParams,
    response: answers({ 200: '{links: ShareLinkInfo[]}' }, OWNER_ERRORS),
  };
  app.get('/api/rooms/:id/links', { schema: listLinks }, async (request) => {
    const { id } = request.params;
    await requireRole(access, request, id, 'owner');
    return { links: await rooms.links(id) };
  });

  const revokeLink = {
    ...sharing,
    summary: 'Revoke a share link',
    params: linkParams,
    response: answers({ 204: 'revoked' }, { ...OWNER_ERRORS, 404: 'room_not_found or link_not_found' }),
  };
  app.delete('/api/rooms/:id/links/:linkId', { schema: revokeLink }, async (request, reply) => {
    const { id, linkId } = request.params;
    await requireRole(access, request, id, 'owner');
    if (!LINK_ID_PATTERN.test(linkId) || !(await rooms.revokeLink(id, linkId))) {
      throw new HttpError(404, 'link_not_found', `room ${id} has no active link ${linkId}`);
    }
    return reply.status(204).send();
  });
}
