import type { FastifyInstance } from 'fastify';
import { type HistoryAuthor, runsQuerySchema, startServerRunSchema } from '@pairwise/protocol';
import type { RoomAccessControl } from '../access/room-access.js';
import type { Principal } from '../access/session.js';
import type { RunService } from '../runs/run-service.js';
import type { ServerRunRefusal, ServerRuns } from '../runs/server-runs.js';
import { verdictFor } from '../sync/role-matrix.js';
import { answers, ROOM_CALLER } from './api-docs.js';
import { requestPrincipal } from './auth-hooks.js';
import { HttpError } from './errors.js';
import { requireRole, roomIdParams, roomNotFound } from './room-guard.js';
import type { ZodTypeProvider } from './zod-schemas.js';

export interface RunsRoutesOptions {
  runs: RunService;
  /** Null unless RUNNER=sandbox. */
  serverRuns: ServerRuns | null;
  /** Who the caller is in the room's runs (named as the room names them). */
  authorOf(roomId: string, principal: Principal): Promise<HistoryAuthor>;
}

/** How each refusal of a server run is answered. */
const REFUSALS: Record<ServerRunRefusal, [status: number, message: string]> = {
  running_off: [403, 'the owner switched running code off in this room'],
  already_running: [409, 'a run is already going on in this room'],
  too_fast: [429, 'too many runs started; wait a few seconds'],
  run_id_taken: [409, 'that run id was used before'],
  storage_unavailable: [503, 'the run could not be stored; try again'],
  sandbox_busy: [503, 'every sandbox of this server is busy; try again in a few seconds'],
  shutting_down: [503, 'this server is shutting down; try again'],
  language_not_runnable: [404, 'this server does not run that language'],
  room_not_found: [404, 'the room does not exist'],
  not_running: [409, 'that run is not running'],
  not_your_run: [409, 'only the tab that started a run reports its output and exit'],
  not_server_run: [409, 'that run happens in a browser tab'],
  run_elsewhere: [409, 'that run goes on on another server instance'],
  not_starter: [403, 'only the person who started a run types its input'],
};

/**
 * `/api/rooms/:id/runs`: every role reads the room's runs; those the role matrix lets run code start
 * one on the server (RUNNER=sandbox). Callers without a role get 404 like every room route.
 */
export function registerRunsRoutes(fastify: FastifyInstance, options: RunsRoutesOptions, access: RoomAccessControl): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { runs, serverRuns } = options;
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

  const startRun = {
    tags: ['runs'],
    security: ROOM_CALLER,
    params: roomIdParams,
    // Optional: a POST without a body runs the room's language.
    body: startServerRunSchema.optional(),
    summary: "Run the room's current code on the server (RUNNER=sandbox; editors and owners); output streams over the room's connections",
    response: answers(
      { 202: '{ runId }: the run started; `started`, `output` and `finished` follow over the room socket' },
      {
        403: 'forbidden (role) or running_off',
        404: 'room_not_found, server_runs_off (RUNNER is not sandbox) or language_not_runnable',
        409: 'already_running',
        429: 'too_fast',
        503: 'sandbox_busy, storage_unavailable or shutting_down',
      },
    ),
  };
  app.post('/api/rooms/:id/runs', { schema: startRun }, async (request, reply) => {
    const { id } = request.params;
    const { role } = await requireRole(access, request, id, 'viewer');
    if (!serverRuns) throw new HttpError(404, 'server_runs_off', 'this server runs code only in the browser (RUNNER=browser)');
    if (verdictFor(role, 'run') !== 'allowed') throw new HttpError(403, 'forbidden', `a ${role} does not run code in this room`);
    const author = await options.authorOf(id, requestPrincipal(request));
    const started = await serverRuns.start(id, author, request.body?.language);
    if ('runId' in started) return reply.status(202).send(started);
    if (started.refused === 'room_not_found') roomNotFound(id);
    const [status, message] = REFUSALS[started.refused];
    if (status === 429 || status === 503) void reply.header('retry-after', 5);
    throw new HttpError(status, started.refused, message);
  });
}
