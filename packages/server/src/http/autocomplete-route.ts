import type { FastifyInstance } from 'fastify';
import { autocompleteBodySchema, AUTOCOMPLETE_CODE_MAX, META_KEYS, META_MAP } from '@pairwise/protocol';
import type { RoomAccessControl } from '../access/room-access.js';
import type { CompletionProvider } from '../completion/provider.js';
import type { ServerEvents } from '../observability/server-events.js';
import type { RoomRegistry } from '../sync/room-registry.js';
import { answers, ROOM_CALLER } from './api-docs.js';
import { HttpError } from './errors.js';
import { requireRole } from './room-guard.js';
import type { ZodTypeProvider } from './zod-schemas.js';

export interface AutocompleteRouteOptions {
  provider: CompletionProvider;
  registry: RoomRegistry;
  access: RoomAccessControl;
  /** Requests allowed per client (IP address) per minute. */
  requestsPerMinute: number;
  /** Counts the requests that limit refuses. */
  limitEvents: Pick<ServerEvents, 'limitHit'>;
}

/** JSON escaping can grow code up to 6x (\u00XX); the schema then enforces the 1 MiB limit on the code itself. */
const BODY_LIMIT = AUTOCOMPLETE_CODE_MAX * 6 + 64 * 1024;

/** `POST /api/autocomplete`: ghost-text suggestions, refused for rooms that switched them off. */
export function registerAutocompleteRoute(fastify: FastifyInstance, options: AutocompleteRouteOptions): void {
  const schema = {
    summary: 'Suggest code to insert at the cursor',
    tags: ['autocomplete'],
    security: ROOM_CALLER,
    body: autocompleteBodySchema,
    response: answers(
      { 200: 'AutocompleteResponse' },
      { 403: 'completions_disabled, or forbidden: viewers get no suggestions', 404: 'room_not_found', 413: 'body_too_large' },
    ),
  };
  const onExceeded = (): void => options.limitEvents.limitHit('autocomplete_rate');
  // Its own per-address limit (the rate-limit plugin is registered with the app's hardening) replaces the API-wide one.
  fastify
    .withTypeProvider<ZodTypeProvider>()
    .post(
      '/api/autocomplete',
      { schema, bodyLimit: BODY_LIMIT, config: { rateLimit: { max: options.requestsPerMinute, timeWindow: 60_000, onExceeded } } },
      async (request, reply) => {
        const body = request.body;
        if (body.roomId !== undefined) {
          // Suggestions are for people who may type in the room; outsiders of a private room get its 404.
          await requireRole(options.access, request, body.roomId, 'editor');
          await assertCompletionsAllowed(options.registry, body.roomId);
        }

        // The client moving on (a newer keystroke) closes this request: stop the model call too.
        const cancel = new AbortController();
        reply.raw.on('close', () => {
          if (!reply.raw.writableFinished) cancel.abort(new Error('client went away'));
        });
        const { code, cursorPosition, language } = body;
        return options.provider.complete({ code, cursorPosition, language }, cancel.signal);
      },
    );
}

async function assertCompletionsAllowed(registry: RoomRegistry, roomId: string): Promise<void> {
  const enabled = await registry.withRoom(roomId, (room) => room.doc.getMap<unknown>(META_MAP).get(META_KEYS.aiCompletions) !== false);
  if (enabled === null) throw new HttpError(404, 'room_not_found', `room ${roomId} does not exist`);
  if (!enabled) throw new HttpError(403, 'completions_disabled', 'suggestions are switched off for this room');
}
