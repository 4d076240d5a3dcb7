import type { FastifyInstance } from 'fastify';
import type { GroupCommitter } from '../persistence/group-commit.js';
import type { RoomStore } from '../storage/store.js';
import { apiError } from './errors.js';

/**
 * One thing the server needs to serve traffic (the store; later the Redis bus). `check` resolves
 * when it answers and rejects with the reason when it does not.
 */
export interface ReadinessProbe {
  readonly name: string;
  check(): Promise<void>;
}

export type ReadinessAnswer = { ready: true } | { ready: false; reason: string };

/** Paths that answer while draining: the load balancer must see the instance turn not-ready, and monitoring keeps scraping. */
const MONITORING_PATHS = new Set(['/health', '/ready', '/metrics']);
const PROBE_TIMEOUT_MS = 2_000;

/**
 * Whether this instance should get traffic: every probe answers and it is not draining. Draining
 * is one-way: once shutdown starts the instance never turns ready again. It also counts the
 * requests admitted before draining, so shutdown can wait for them before it stores the rooms.
 */
export class Readiness {
  private readonly probes: ReadinessProbe[] = [];
  private isDraining = false;
  private running = 0;
  private onIdle: (() => void) | null = null;

  constructor(private readonly timeoutMs = PROBE_TIMEOUT_MS) {}

  add(probe: ReadinessProbe): void {
    this.probes.push(probe);
  }

  get draining(): boolean {
    return this.isDraining;
  }

  drain(): void {
    this.isDraining = true;
  }

  /** Runs every probe at once; the first that fails (in the order added) gives the reason. */
  async answer(): Promise<ReadinessAnswer> {
    if (this.isDraining) return { ready: false, reason: 'draining: the server is shutting down' };
    const results = await Promise.allSettled(this.probes.map((probe) => withTimeout(probe.check(), this.timeoutMs)));
    for (const [i, result] of results.entries()) {
      if (result.status === 'rejected') return { ready: false, reason: `${this.probes[i]!.name}: ${errorMessage(result.reason)}` };
    }
    return { ready: true };
  }

  /** A request is admitted: `idle()` waits for it. Returns what to call once it has finished. */
  admit(): () => void {
    this.running++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.running--;
      if (this.running === 0) this.onIdle?.();
    };
  }

  /** Resolves once every admitted request has finished. */
  idle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise<void>((resolve) => (this.onIdle = resolve));
  }
}

/**
 * `GET /health` (the process is up and serving HTTP: never depends on the store, so an orchestrator
 * does not restart an instance that holds unstored edits) and `GET /ready` (send it traffic). While
 * draining, every other request but `/metrics` is refused with 503.
 */
/** OpenAPI descriptions of the probes (they take no input, so there is nothing to validate). */
const HEALTH_SCHEMA = {
  summary: 'Liveness: 200 whenever the process serves HTTP (also during a storage outage or shutdown)',
  tags: ['operations'],
  security: [],
  response: { 200: { description: '{status: "ok"}' } },
};
const READY_SCHEMA = {
  summary: 'Readiness: 200 when every dependency answers and edits are being stored; 503 with a reason while not, or while draining',
  tags: ['operations'],
  security: [],
  response: { 200: { description: '{status: "ready"}' }, 503: { description: '{status: "unavailable", reason}' } },
};

export function registerProbeRoutes(app: FastifyInstance, readiness: Readiness): void {
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?', 1)[0] ?? '';
    if (MONITORING_PATHS.has(path)) return;
    if (readiness.draining) {
      void reply.header('connection', 'close');
      return reply.status(503).send(apiError('shutting_down', 'this server is shutting down; retry (another instance may answer)'));
    }
    // 'close' fires once: when the response has been sent, or when its client went away first.
    reply.raw.once('close', readiness.admit());
  });
  app.get('/health', { schema: HEALTH_SCHEMA }, async () => ({ status: 'ok' }));
  app.get('/ready', { schema: READY_SCHEMA }, async (_request, reply) => {
    const answer = await readiness.answer();
    if (answer.ready) return { status: 'ready' };
    return reply.status(503).send({ status: 'unavailable', reason: answer.reason });
  });
}

/** The store answers a ping and its writes succeed (it may answer pings yet refuse writes: disk full, read-only). */
export function storeProbe(store: Pick<RoomStore, 'ping'>, commits: Pick<GroupCommitter, 'failing'>): ReadinessProbe {
  return {
    name: 'store',
    check: async () => {
      await store.ping();
      if (commits.failing) throw new Error('writing edits fails; they are kept in memory and retried');
    },
  };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
