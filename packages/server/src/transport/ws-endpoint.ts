import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { type WebSocket, WebSocketServer } from 'ws';
import { CLOSE_CODES, ROOM_ID_PATTERN } from '@pairwise/protocol';
import { type ConnectionSession, NO_ACCESS_REASON, type SessionDecision, type SessionResolver } from '../access/session.js';
import type { ConnectionRateLimits } from '../limits/connection-rate.js';
import type { UnsentBytesBudget } from '../limits/unsent-bytes.js';
import { NO_SERVER_EVENTS, type ServerEvents } from '../observability/server-events.js';
import type { Admission } from '../sync/access-reviews.js';
import type { RoomLease, RoomRegistry } from '../sync/room-registry.js';
import { TurnCork } from './turn-cork.js';
import type { UpgradeGuard } from './upgrade-guard.js';
import { WireFrames } from './wire-frames.js';
import { type ConnectionWiring, WsConnection } from './ws-connection.js';

export interface SyncEndpointOptions {
  registry: RoomRegistry;
  /** Decides who each upgrade is and its role in the room, before the room is loaded. */
  sessions: SessionResolver;
  /** Frames larger than this close the socket with 1009. */
  maxMessageBytes: number;
  /** A socket with more unsent bytes than this is closed (1013) so it reconnects and resyncs. */
  maxBufferedBytes: number;
  /** How often sockets are pinged; one missed pong closes the socket. */
  pingIntervalMs: number;
  /** Origin and per-address checks, before anything else an upgrade does. */
  upgradeGuard: UpgradeGuard;
  /** What each connection may send before it is closed with 4429. */
  connectionRate: ConnectionRateLimits;
  /** Unsent bytes across all sockets; past it the sockets holding most are closed (1013). */
  unsentBytes: UnsentBytesBudget;
  log: Logger;
  /** Where connections, limit hits and bad frames are reported; nothing when omitted. */
  events?: ServerEvents;
}

const SYNC_PATH_PREFIX = '/ws/';
type Refusal = Extract<SessionDecision, { refuse: number }>;

/**
 * The `WS /ws/:roomId` endpoint: the `ws` transport around the transport-free `Room`.
 * Owns the WebSocket server, its sockets and the heartbeat timer.
 */
export class SyncEndpoint {
  private readonly wss: WebSocketServer;
  private readonly alive = new WeakSet<WebSocket>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly events: ServerEvents;
  /** What every open connection shares (see WsConnection). */
  private readonly wiring: ConnectionWiring;

  constructor(private readonly options: SyncEndpointOptions) {
    // No compression, said rather than left to ws's default: broadcasts are framed once and the same
    // bytes written to every socket (wire-frames.ts), which a per-socket deflate context would break.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes, perMessageDeflate: false });
    this.heartbeat = setInterval(() => this.checkHeartbeats(), options.pingIntervalMs);
    this.events = options.events ?? NO_SERVER_EVENTS;
    const { registry, maxBufferedBytes, connectionRate, unsentBytes, log } = options;
    this.wiring = {
      registry,
      maxBufferedBytes,
      connectionRate,
      unsentBytes,
      log,
      events: this.events,
      // Every socket's frames of one event-loop iteration leave in one write.
      cork: new TurnCork(),
      // A message broadcast to a room is framed once for all its sockets.
      frames: new WireFrames(),
    };
  }

  /** Whether an HTTP upgrade request is for this endpoint. */
  matches(request: IncomingMessage): boolean {
    return (request.url ?? '').startsWith(SYNC_PATH_PREFIX);
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Until `ws` owns the socket (it adds its own listener), a reset while the room loads must not crash us.
    socket.on('error', destroySocket);
    if (!this.options.upgradeGuard.admit(request, socket)) return;
    // Every line about this connection carries its id, so one client's story can be read from the log.
    const connId = randomUUID();
    const roomId = roomIdFromUrl(request.url ?? '');
    if (roomId === null) {
      this.accept(request, socket, head, connId, (ws) => ws.close(CLOSE_CODES.invalidRoomId, 'invalid room id'));
      return;
    }
    void this.admit(request, socket, head, roomId, connId);
  }

  /** Close every socket (1012: service restart, reconnect), terminating those that do not finish the close handshake in time. */
  async close(graceMs = 1_000): Promise<void> {
    clearInterval(this.heartbeat);
    const sockets = [...this.wss.clients];
    const closed = sockets.map((ws) => new Promise<void>((resolve) => ws.once('close', () => resolve())));
    for (const ws of sockets) ws.close(CLOSE_CODES.serviceRestart, 'server restarting');
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.all(closed), grace]);
    clearTimeout(timer);
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  /**
   * Decides who the upgrade is first: a refused one never loads the room (nor keeps it in memory).
   * Then loads the room before completing the handshake, so no frame arrives before there is a room
   * to take it. Access changes made meanwhile reach the connection through its admission.
   */
  private async admit(request: IncomingMessage, socket: Duplex, head: Buffer, roomId: string, connId: string): Promise<void> {
    const { registry } = this.options;
    const log = this.options.log.child({ connId });
    const admission = registry.admit(roomId);
    const outcome = await this.decide(request, roomId, log);
    if ('refuse' in outcome) {
      registry.abandon(admission);
      log.debug({ roomId, code: outcome.refuse }, 'websocket refused');
      this.accept(request, socket, head, connId, (ws) => ws.close(outcome.refuse, closeReason(outcome.reason)));
      return;
    }
    const { session, lease } = outcome;
    this.accept(
      request,
      socket,
      head,
      connId,
      (ws) => this.connect(ws, socket, lease, admission, session, connId),
      () => {
        registry.abandon(admission);
        lease.release();
      },
    );
  }

  /** The upgrade's session and a lease on its room, or the close code that refuses it. Never rejects. */
  private async decide(
    request: IncomingMessage,
    roomId: string,
    log: Logger,
  ): Promise<{ session: ConnectionSession; lease: RoomLease } | Refusal> {
    const { registry, sessions } = this.options;
    let decision: SessionDecision;
    try {
      decision = await sessions.resolve(request, roomId);
    } catch (err) {
      log.error({ err, roomId }, 'resolving the session failed');
      return { refuse: CLOSE_CODES.internalError, reason: 'session check failed' };
    }
    if ('refuse' in decision) return decision;
    try {
      const lease = await registry.acquire(roomId);
      return lease ? { session: decision.session, lease } : { refuse: CLOSE_CODES.forbidden, reason: NO_ACCESS_REASON };
    } catch (err) {
      log.error({ err, roomId }, 'room failed to load');
      return { refuse: CLOSE_CODES.internalError, reason: 'room failed to load' };
    }
  }

  private accept(
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    connId: string,
    onOpen: (ws: WebSocket) => void,
    onAbandoned: () => void = () => {},
  ): void {
    if (socket.destroyed) {
      onAbandoned();
      return;
    }
    // `ws` refuses some handshakes without calling back (a bad key, version or method, a client that
    // half-closed while the room loaded): it answers or destroys the socket. Whatever it does, the socket
    // closes, and what this upgrade took must be given back then.
    socket.once('close', onAbandoned);
    // A listener left on the raw socket would keep this request and its headers alive for the whole connection.
    socket.off('error', destroySocket);
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      socket.off('close', onAbandoned);
      this.watch(ws, connId);
      onOpen(ws);
    });
  }

  /**
   * Listeners every open socket keeps. Made here, not inside `accept`: a closure made there would keep
   * the whole upgrade's scope (request, handshake outcome, callbacks) alive for every idle connection.
   */
  private watch(ws: WebSocket, connId: string): void {
    // Without an error listener a protocol error (e.g. an oversized frame) would crash the process.
    ws.on('error', (err) => {
      this.events.protocolError(isOversizedFrame(err) ? 'frame_too_large' : 'websocket');
      this.options.log.debug({ connId, err: err.message }, 'websocket error');
    });
    this.alive.add(ws);
    ws.on('pong', () => this.alive.add(ws));
  }

  private connect(ws: WebSocket, socket: Duplex, lease: RoomLease, admission: Admission, session: ConnectionSession, connId: string): void {
    new WsConnection(ws, socket, lease, this.wiring, connId).join(admission, session);
  }

  private checkHeartbeats(): void {
    for (const ws of this.wss.clients) {
      if (!this.alive.has(ws)) {
        ws.terminate();
        continue;
      }
      this.alive.delete(ws);
      ws.ping();
    }
  }
}

/** WebSocket close reasons are limited to 123 bytes (`ws` throws past it); resolvers' reasons are cut to fit. */
function closeReason(reason: string): string {
  let fitted = reason.slice(0, 123);
  while (Buffer.byteLength(fitted) > 123) fitted = fitted.slice(0, -1);
  return fitted;
}

/** `ws` reports a frame over `maxPayload` (then closes 1009) with this code. */
function isOversizedFrame(err: Error): boolean {
  return (err as Error & { code?: unknown }).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
}

function destroySocket(this: Duplex): void {
  this.destroy();
}

/** The room id of a `/ws/:roomId` URL (query ignored), or null if it is not a valid id. */
export function roomIdFromUrl(url: string): string | null {
  const path = url.split('?', 1)[0] ?? '';
  if (!path.startsWith(SYNC_PATH_PREFIX)) return null;
  let id: string;
  try {
    id = decodeURIComponent(path.slice(SYNC_PATH_PREFIX.length));
  } catch {
    return null;
  }
  return ROOM_ID_PATTERN.test(id) ? id : null;
}
