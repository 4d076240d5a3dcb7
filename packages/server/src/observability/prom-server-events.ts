import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RoomMessage } from '../sync/role-matrix.js';
import type { ClusterRepairReason, LimitName, ProtocolErrorKind, ServerEvents } from './server-events.js';

/** Sub-millisecond to a quarter second: relaying one change to a room's sockets. */
const FANOUT_BUCKETS = [0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25];
/** A millisecond to several seconds: one storage transaction (PostgreSQL over a network, a busy disk). */
const COMMIT_BUCKETS = [0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Sub-millisecond to half a second: one round trip to Redis. */
const PUBLISH_BUCKETS = [0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5];

let processRegistry: Registry | null = null;

/**
 * prom-client's default metrics (CPU, memory, event-loop lag, GC), collected once per process: they
 * describe the process, and each collection keeps an event-loop timer and a GC observer running for good.
 */
function processMetrics(): Registry {
  if (processRegistry === null) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * ServerEvents as Prometheus metrics, in a registry of its own (not prom-client's global one), so
 * several servers in one process each count only their own. Scrapes also carry the process metrics.
 */
export class PromServerEvents implements ServerEvents {
  private readonly registry = new Registry();
  private readonly connections = this.gauge('pairwise_connections', 'Open WebSocket connections joined to a room.');
  private readonly roomsLoaded = this.gauge('pairwise_rooms_loaded', 'Rooms held in memory.');
  /**
   * What every frame or change counts, as plain numbers handed to prom-client when scraped (its
   * `collect` hook): an `inc()` or `set()` per keystroke validates and hashes labels each time
   * (perf, pair rooms at 1,000 updates/s: 1.6% of the event loop's samples).
   */
  private readonly unreported = { updates: 0, updateBytes: 0, queuedUpdates: 0, messages: new Map<RoomMessage, number>() };
  /** Hands the counts kept since the last scrape to their metrics (each metric's collect calls it; the first does the work). */
  private readonly reportCounts = (): void => {
    const { unreported } = this;
    if (unreported.updates > 0) this.updates.inc(unreported.updates);
    if (unreported.updateBytes > 0) this.updateBytes.inc(unreported.updateBytes);
    unreported.updates = 0;
    unreported.updateBytes = 0;
    // Counts are zeroed, not deleted: the map keeps its few keys (one per message type) for good.
    for (const [type, count] of unreported.messages) {
      if (count === 0) continue;
      this.messages.inc({ type }, count);
      unreported.messages.set(type, 0);
    }
    this.queuedUpdates.set(unreported.queuedUpdates);
  };
  private readonly updates = this.counter(
    'pairwise_updates_total',
    'Changes rooms accepted (from clients and the server).',
    [],
    this.reportCounts,
  );
  private readonly updateBytes = this.counter(
    'pairwise_update_bytes_total',
    'Encoded bytes of the changes rooms accepted.',
    [],
    this.reportCounts,
  );
  private readonly messages = this.counter(
    'pairwise_messages_total',
    'Client frames rooms read, by message type.',
    ['type'],
    this.reportCounts,
  );
  private readonly fanoutSeconds = this.histogram(
    'pairwise_fanout_seconds',
    "From a client's frame entering its room to the last socket its change was sent to.",
    FANOUT_BUCKETS,
  );
  private readonly commitSeconds = this.histogram(
    'pairwise_store_commit_seconds',
    'Duration of each successful storage write.',
    COMMIT_BUCKETS,
  );
  private readonly storedUpdates = this.counter('pairwise_stored_updates_total', 'Updates written to storage.');
  private readonly queuedUpdates = this.gauge(
    'pairwise_store_queue_updates',
    'Updates accepted but not stored yet, across all rooms.',
    this.reportCounts,
  );
  private readonly publishSeconds = this.histogram(
    'pairwise_redis_publish_seconds',
    "From publishing an update to the room bus until it is in the room's log.",
    PUBLISH_BUCKETS,
  );
  private readonly clusterRepairs = this.counter(
    'pairwise_cluster_repairs_total',
    'Times instances serving a room disagreed and this one repaired its copy, by reason (0 while the bus delivers everything).',
    ['reason'],
  );
  private readonly protocolErrors = this.counter(
    'pairwise_protocol_errors_total',
    'Connections closed for a frame the server could not accept, by kind.',
    ['kind'],
  );
  private readonly limitHits = this.counter('pairwise_limit_hits_total', 'Clients refused or closed by an abuse limit, by limit.', [
    'limit',
  ]);

  /** This server's metrics and the process's, as one exposition (merging shares the metrics, it does not copy them). */
  private readonly exposed = Registry.merge([processMetrics(), this.registry]);

  get contentType(): string {
    return this.exposed.contentType;
  }

  /** Every metric in the Prometheus text format. */
  metrics(): Promise<string> {
    return this.exposed.metrics();
  }

  connectionOpened(): void {
    this.connections.inc();
  }

  connectionClosed(): void {
    this.connections.dec();
  }

  roomLoaded(): void {
    this.roomsLoaded.inc();
  }

  roomUnloaded(): void {
    this.roomsLoaded.dec();
  }

  updateApplied(bytes: number): void {
    this.unreported.updates++;
    this.unreported.updateBytes += bytes;
  }

  messageReceived(type: RoomMessage): void {
    const { messages } = this.unreported;
    messages.set(type, (messages.get(type) ?? 0) + 1);
  }

  fanout(seconds: number): void {
    this.fanoutSeconds.observe(seconds);
  }

  storeCommitted(seconds: number, updates: number): void {
    this.commitSeconds.observe(seconds);
    this.storedUpdates.inc(updates);
  }

  storeQueue(updates: number): void {
    this.unreported.queuedUpdates = updates;
  }

  protocolError(kind: ProtocolErrorKind): void {
    this.protocolErrors.inc({ kind });
  }

  limitHit(limit: LimitName): void {
    this.limitHits.inc({ limit });
  }

  redisPublished(seconds: number): void {
    this.publishSeconds.observe(seconds);
  }

  clusterRepaired(reason: ClusterRepairReason): void {
    this.clusterRepairs.inc({ reason });
  }

  private gauge(name: string, help: string, collect?: () => void): Gauge {
    return new Gauge({ name, help, registers: [this.registry], ...(collect && { collect }) });
  }

  private counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = [], collect?: () => void): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry], ...(collect && { collect }) });
  }

  private histogram(name: string, help: string, buckets: number[]): Histogram {
    return new Histogram({ name, help, buckets, registers: [this.registry] });
  }
}
