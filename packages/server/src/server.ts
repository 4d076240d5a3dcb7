import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { createAccessLayer } from './access/access-layer.js';
import type { SessionResolver } from './access/session.js';
import { ChatService } from './chat/chat-service.js';
import type { RoomBus } from './cluster/room-bus.js';
import { RoomSharing } from './access/sharing.js';
import type { CompletionProvider } from './completion/provider.js';
import { type AuthConfig, DEFAULT_API_TIMEOUT_MS } from './config.js';
import { buildHttpApp } from './http/app.js';
import { Readiness, storeProbe } from './http/readiness.js';
import { PromServerEvents } from './observability/prom-server-events.js';
import { trustFunction } from './limits/client-address.js';
import type { HardeningConfig } from './limits/config.js';
import { UnsentBytesBudget } from './limits/unsent-bytes.js';
import { CompactionScheduler } from './persistence/compaction-scheduler.js';
import { GroupCommitter } from './persistence/group-commit.js';
import { LastOpenedRecorder } from './persistence/last-opened.js';
import { RoomRetention } from './rooms/retention.js';
import { RoomService } from './rooms/room-service.js';
import { RunService } from './runs/run-service.js';
import type { CodeSandbox } from './runs/sandbox/code-sandbox.js';
import { type ServerRunLimits, ServerLanguages } from './runs/sandbox/languages.js';
import { ServerRuns } from './runs/server-runs.js';
import { AutoVersions } from './history/auto-versions.js';
import { DEFAULT_HISTORY_CONFIG, type HistoryConfig } from './history/history-config.js';
import { HistoryRetention } from './history/history-retention.js';
import { RoomHistory } from './history/room-history.js';
import { OffThreadSnapshotEncoder } from './storage/snapshot-encoder.js';
import type { Store } from './storage/store.js';
import type { RoomLinkTiming } from './cluster/room-link.js';
import { RoomRegistry } from './sync/room-registry.js';
import type { RoomLimits } from './sync/room-limits.js';
import { UpgradeGuard } from './transport/upgrade-guard.js';
import { SyncEndpoint } from './transport/ws-endpoint.js';

export interface PairwiseServerOptions extends HardeningConfig {
  /** Owned by the caller, which closes it after the server. */
  store: Store;
  log: Logger;
  webDistDir: string | null;
  flushWindowMs: number;
  maxRoomBacklogBytes: number;
  maxBacklogBytes: number;
  shutdownRetryMs: number;
  idleUnloadMs: number;
  /** Compact a room's stored log once it grows by this many updates. */
  compactionThreshold: number;
  maxMessageBytes: number;
  maxBufferedBytes: number;
  pingIntervalMs: number;
  completionProvider: CompletionProvider;
  /** How long shutdown waits for in-flight HTTP requests before cutting their connections. */
  httpDrainMs?: number;
  /** How long an API request may take before it is answered 503 (DEFAULT_API_TIMEOUT_MS if not given). */
  apiTimeoutMs?: number;
  /** Autocomplete requests allowed per client IP per minute. */
  autocompleteRequestsPerMinute: number;
  auth: AuthConfig;
  /** Who each WebSocket connection is and its role; by default the accounts, room roles and share links of `auth`. */
  sessions?: SessionResolver;
  /** DEFAULT_ROOM_LIMITS where not given. */
  roomLimits?: Partial<RoomLimits>;
  /** When set, `GET /metrics` needs `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string | null;
  /** Other instances serving the same rooms (REDIS_URL); closed by `close` once the rooms are stored. */
  bus?: RoomBus;
  /** DEFAULT_LINK_TIMING where not given. */
  linkTiming?: RoomLinkTiming;
  /** ROOM_RETENTION_DAYS: rooms nobody opened for this many days are deleted; null or omitted: kept forever. */
  roomRetentionDays?: number | null;
  /** Tests: how often the retention sweep runs and how many rooms each run looks at (hourly, 100). */
  retentionSweep?: { intervalMs?: number; batchSize?: number };
  /** Automatic versions and history retention; DEFAULT_HISTORY_CONFIG when omitted. */
  history?: HistoryConfig;
  /** Tests: how often the history retention sweep runs (hourly). */
  historySweepMs?: number;
  /** RUNNER=sandbox: the sandbox this server runs rooms' code in (owned by the caller), its limits and slots. */
  codeSandbox?: { sandbox: CodeSandbox; limits: ServerRunLimits; slots: number } | null;
  /** Epoch milliseconds for when rooms were created and last opened and for the retention sweep; Date.now when omitted. Tests move it. */
  clock?: () => number;
}

export interface PairwiseServer {
  readonly registry: RoomRegistry;
  readonly commits: GroupCommitter;
  /** Who a WebSocket upgrade is and its role in the room. */
  readonly sessions: SessionResolver;
  /** Answers `GET /ready`; more probes (e.g. a message bus) can be added to it. */
  readonly readiness: Readiness;
  /** Deletes rooms nobody opened for ROOM_RETENTION_DAYS; null when that is unset. Sweeps once listening. */
  readonly retention: RoomRetention | null;
  listen(port: number, host: string): Promise<AddressInfo>;
  /**
   * Turn not-ready and stop accepting at once, close every socket (1012: reconnect, maybe elsewhere),
   * unload rooms and store every accepted update, then close the HTTP server.
   */
  close(): Promise<void>;
}

const HTTP_DRAIN_MS = 2_000;
/** Scrubbing a timeline reads many moments in a row: the thread that rebuilds them stays that long. */
const HISTORY_READER_LINGER_MS = 5_000;
/** A version waits this long at most for other instances to confirm storing edits it already shows. */
const PEER_EDITS_WAIT_MS = 3_000;

/** Wires the sync engine, storage pipeline and HTTP app into one server on one port. */
export async function createPairwiseServer(options: PairwiseServerOptions): Promise<PairwiseServer> {
  const { store, log } = options;
  const layer = await createAccessLayer(store, options.auth);
  // One registry per server, so servers sharing a process (tests) count only their own.
  const metrics = new PromServerEvents();
  const compaction = new CompactionScheduler(store, options.compactionThreshold, log);
  const historyConfig = options.history ?? DEFAULT_HISTORY_CONFIG;
  const historyReader = new OffThreadSnapshotEncoder(HISTORY_READER_LINGER_MS);
  // Takes versions of what is stored; `history` (below) is made once the registry exists.
  const autoVersions = new AutoVersions({
    timing: historyConfig.autoVersions,
    take: (roomId, name) => history.createVersion(roomId, { name, auto: true }),
    log,
    ...(options.clock ? { now: options.clock } : {}),
  });
  const commits = new GroupCommitter({
    store,
    windowMs: options.flushWindowMs,
    maxRoomBacklogBytes: options.maxRoomBacklogBytes,
    maxBacklogBytes: options.maxBacklogBytes,
    closeRetryMs: options.shutdownRetryMs,
    log,
    events: metrics,
    onCommitted: (counts) => {
      for (const [roomId, n] of counts) {
        compaction.noteLogGrowth(roomId, n);
        autoVersions.noteStored(roomId);
      }
    },
  });
  const sessions = options.sessions ?? layer.sessions;
  // Kept even without retention, so turning ROOM_RETENTION_DAYS on later sees real history.
  const lastOpened = new LastOpenedRecorder({ store, log, ...(options.clock ? { now: options.clock } : {}) });
  // Relays through the registry (below): to the room's subscribers here and to the other instances.
  const runs = new RunService({
    store,
    relay: (roomId, message) => registry.runRelayed(roomId, message),
    log,
    ...(options.clock ? { now: options.clock } : {}),
  });
  const { codeSandbox } = options;
  const serverRuns = codeSandbox
    ? new ServerRuns({
        sandbox: codeSandbox.sandbox,
        languages: new ServerLanguages(codeSandbox.limits),
        runs,
        acquire: (roomId) => registry.acquire(roomId),
        slots: codeSandbox.slots,
        log,
      })
    : null;
  const registry = new RoomRegistry({
    store,
    commits,
    compaction,
    idleUnloadMs: options.idleUnloadMs,
    log,
    sessions,
    events: metrics,
    ...(options.roomLimits ? { roomLimits: options.roomLimits } : {}),
    ...(options.bus ? { bus: options.bus } : {}),
    ...(options.linkTiming ? { linkTiming: options.linkTiming } : {}),
    opens: lastOpened,
    runs,
  });
  const { limits } = options;
  const trust = trustFunction(options.trustProxy);
  const endpoint = new SyncEndpoint({
    registry,
    sessions,
    maxMessageBytes: options.maxMessageBytes,
    maxBufferedBytes: options.maxBufferedBytes,
    pingIntervalMs: options.pingIntervalMs,
    upgradeGuard: new UpgradeGuard({
      allowedOrigins: options.allowedOrigins,
      trust,
      connectionsPerAddress: limits.connectionsPerAddress,
      connectsPerMinute: limits.connectsPerMinute,
      log,
      events: metrics,
    }),
    connectionRate: limits.connection,
    unsentBytes: new UnsentBytesBudget(limits.maxTotalBufferedBytes),
    log,
    events: metrics,
  });
  const readiness = new Readiness();
  readiness.add(storeProbe(store, commits));
  const { bus } = options;
  if (bus) readiness.add({ name: 'room bus', check: () => bus.ping() });
  // The registry holds the open connections, so it carries out access changes on them.
  const events = registry;
  const rooms = new RoomService({
    store,
    registry,
    events,
    maxRoomsPerUser: options.auth.maxRoomsPerUser,
    ...(options.clock ? { now: options.clock } : {}),
  });
  const retention = options.roomRetentionDays
    ? new RoomRetention({
        retentionDays: options.roomRetentionDays,
        store,
        rooms,
        registry,
        log,
        ...options.retentionSweep,
        ...(options.clock ? { now: options.clock } : {}),
      })
    : null;
  const history = new RoomHistory({
    store,
    flushRoom: (roomId) => registry.storeHeldEdits(roomId, PEER_EDITS_WAIT_MS),
    read: historyReader.read,
    loaded: (roomId) => registry.loaded(roomId),
    withRoom: (roomId, change) => registry.withRoom(roomId, change),
    ...(options.clock ? { now: options.clock } : {}),
  });
  const historyRetention = new HistoryRetention({
    store,
    policy: historyConfig.retention,
    statesAfter: historyReader.statesAfter,
    log,
    ...(options.historySweepMs ? { intervalMs: options.historySweepMs } : {}),
    ...(options.clock ? { now: options.clock } : {}),
  });
  const app = await buildHttpApp({
    rooms,
    history,
    sharing: new RoomSharing({ store, events }),
    chat: {
      chat: new ChatService({
        store,
        loaded: (roomId) => registry.loaded(roomId),
        deliver: (roomId, message) => registry.chatPosted(roomId, message),
        burst: options.limits.chatMessageBurst,
        ...(options.clock ? { now: options.clock } : {}),
      }),
      limitEvents: metrics,
    },
    runs: { runs, serverRuns, authorOf: (roomId, principal) => history.authorOf(roomId, principal) },
    capabilities: {
      completion: options.completionProvider.runsOn,
      runs: serverRuns ? { runner: 'sandbox', serverLanguages: serverRuns.languages } : { runner: 'browser', serverLanguages: [] },
    },
    access: layer.access,
    auth: {
      accounts: layer.accounts,
      guests: layer.guests,
      allowedOrigins: options.allowedOrigins,
      attemptsPerAccount: layer.attemptsPerAccount,
      attemptsPerIp: layer.attemptsPerIp,
      events,
      limitEvents: metrics,
    },
    readiness,
    autocomplete: {
      provider: options.completionProvider,
      registry,
      access: layer.access,
      requestsPerMinute: options.autocompleteRequestsPerMinute,
      limitEvents: metrics,
    },
    webDistDir: options.webDistDir,
    apiTimeoutMs: options.apiTimeoutMs ?? DEFAULT_API_TIMEOUT_MS,
    metrics: { source: metrics, token: options.metricsToken ?? null },
    hardening: {
      trust: options.trustProxy === false ? false : trust,
      apiRequestsPerMinute: limits.apiRequestsPerMinute,
      roomCreationsPerHour: limits.roomCreationsPerHour,
      limitEvents: metrics,
    },
    log,
  });
  app.server.on('upgrade', (request, socket, head) => {
    if (readiness.draining) refuseUpgrade(socket);
    else if (endpoint.matches(request)) endpoint.handleUpgrade(request, socket, head);
    else socket.destroy();
  });

  let closing: Promise<void> | null = null;
  return {
    registry,
    commits,
    sessions,
    readiness,
    retention,
    async listen(port, host) {
      await app.listen({ port, host });
      retention?.start();
      historyRetention.start();
      return app.server.address() as AddressInfo;
    },
    close() {
      closing ??= (async () => {
        // Not-ready at once, so a load balancer stops sending clients here; new upgrades and API
        // requests get 503 from now on. The listener stays open until the end so /ready can say so.
        readiness.drain();
        // A sweep under way finishes its current deletion first: it uses the rooms closed below. Runs in
        // the sandbox are stopped (no orphans) and their ends handed over while the sockets still hear them.
        await Promise.all([retention?.close(), historyRetention.close(), serverRuns?.close()]);
        await endpoint.close();
        // In-flight requests get a grace period; then their connections are cut, so a stalled client
        // cannot hold up storing the edits. Waiting for them first keeps their changes from arriving
        // after the rooms are stored.
        const cut = setTimeout(() => app.server.closeAllConnections(), options.httpDrainMs ?? HTTP_DRAIN_MS);
        await readiness.idle().finally(() => clearTimeout(cut));
        try {
          await registry.close();
          try {
            // Versions being taken finish (they flush their room) before the committer stops.
            await autoVersions.close();
            await commits.close();
          } finally {
            // Unloading every room above recorded it as opened and ended the runs still going (lost):
            // those writes go before the store closes.
            await Promise.all([compaction.close(), lastOpened.idle(), runs.close()]);
          }
        } finally {
          // The bus goes after the rooms are stored: a peer may still ask for edits this instance holds.
          await options.bus?.close().catch((err: unknown) => options.log.warn({ err }, 'closing the room bus failed'));
          // Only probes and refusals are left on the listener by now.
          app.server.closeAllConnections();
          await app.close();
          await historyReader.close();
        }
      })();
      return closing;
    },
  };
}

/** An upgrade that arrives while draining: a plain 503, so the client retries (elsewhere). */
function refuseUpgrade(socket: Duplex): void {
  socket.on('error', () => socket.destroy());
  socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
}
