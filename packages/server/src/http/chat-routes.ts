import type { FastifyInstance } from 'fastify';
import { chatBodySchema, chatQuerySchema } from '@pairwise/protocol';
import type { RoomAccessControl } from '../access/room-access.js';
import { type ChatService, isChatRefusal } from '../chat/chat-service.js';
import type { LimitName, ServerEvents } from '../observability/server-events.js';
import { answers, ROOM_CALLER } from './api-docs.js';
import { requestPrincipal } from './auth-hooks.js';
import { HttpError } from './errors.js';
import { requireRole, roomIdParams, roomNotFound } from './room-guard.js';
import type { ZodTypeProvider } from './zod-schemas.js';

export interface ChatRoutesOptions {
  chat: ChatService;
  /** Counts the posts the chat rate limit refuses. */
  limitEvents: Pick<ServerEvents, 'limitHit'>;
}

const CHAT_RATE: LimitName = 'chat_rate';

/**
 * `/api/rooms/:id/chat`: every role reads and posts (a viewer asks questions too); callers without
 * a role get 404 like every room route. Posts are rate-limited per person per room.
 */
export function registerChatRoutes(fastify: FastifyInstance, options: ChatRoutesOptions, access: RoomAccessControl): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const chat = { tags: ['chat'], security: ROOM_CALLER, params: roomIdParams };

  const listChat = {
    ...chat,
    summary: 'Read the chat: the newest page first, messages oldest first within it (any role)',
    querystring: chatQuerySchema,
    response: answers({ 200: 'ChatPage: messages and `nextBefore`, the cursor of older ones' }, { 404: 'room_not_found' }),
  };
  app.get('/api/rooms/:id/chat', { schema: listChat }, async (request) => {
    const { id } = request.params;
    await requireRole(access, request, id, 'viewer');
    return options.chat.page(id, request.query.before ?? null, request.query.limit);
  });

  const postChat = {
    ...chat,
    summary: 'Post a chat message (any role); everyone in the room receives it at once',
    body: chatBodySchema,
    response: answers(
      { 201: 'ChatMessage: as stored, with the author from the session' },
      { 404: 'room_not_found', 429: 'rate_limited: too many messages from you in this room (Retry-After)' },
    ),
  };
  app.post('/api/rooms/:id/chat', { schema: postChat }, async (request, reply) => {
    const { id } = request.params;
    await requireRole(access, request, id, 'viewer');
    const result = await options.chat.post(id, requestPrincipal(request), request.body.text);
    if (!isChatRefusal(result)) return reply.status(201).send(result);
    if (result.refused === 'room_not_found') roomNotFound(id);
    options.limitEvents.limitHit(CHAT_RATE);
    void reply.header('retry-after', result.retryAfterSeconds);
    throw new HttpError(429, 'rate_limited', `too many chat messages from you in this room; retry in ${result.retryAfterSeconds} s`);
  });
}
