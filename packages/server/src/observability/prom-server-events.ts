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
  private readonly updates = this.counter('pairwise_updates_total', 'Changes rooms accepted (from clients and the server).');
  private readonly updateBytes = this.counter('pairwise_update_bytes_total', 'Encoded bytes of the changes rooms accepted.');
  private readonly messages = this.counter('pairwise_messages_total', 'Client frames rooms read, by message type.', ['type']);
  /** One child per message type: `inc({ type })` would hash the labels on every frame. */
  private readonly messagesByType = new Map<RoomMessage, { inc(): void }>();
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
  private readonly queuedUpdates = this.gauge('pairwise_store_queue_updates', 'Updates accepted but not stored yet, across all rooms.');
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
    this.updates.inc();
    this.updateBytes.inc(bytes);
  }

  messageReceived(type: RoomMessage): void {
    let child = this.messagesByType.get(type);
    if (!child) {
      child = this.messages.labels({ type });
      this.messagesByType.set(type, child);
    }
    child.inc();
  }

  fanout(seconds: number): void {
    this.fanoutSeconds.observe(seconds);
  }

  storeCommitted(seconds: number, updates: number): void {
    this.commitSeconds.observe(seconds);
    this.storedUpdates.inc(updates);
  }

  storeQueue(updates: number): void {
    this.queuedUpdates.set(updates);
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

  private gauge(name: string, help: string): Gauge {
    return new Gauge({ name, help, registers: [this.registry] });
  }

  private counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram(name: string, help: string, buckets: number[]): Histogram {
    return new Histogram({ name, help, buckets, registers: [this.registry] });
  }
}
