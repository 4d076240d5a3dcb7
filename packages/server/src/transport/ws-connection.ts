import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocket, type RawData } from 'ws';
import { CLOSE_CODES } from '@pairwise/protocol';
import type { ConnectionSession } from '../access/session.js';
import { ConnectionRate, type ConnectionRateLimits } from '../limits/connection-rate.js';
import type { BufferedSink, UnsentBytesBudget } from '../limits/unsent-bytes.js';
import type { ServerEvents } from '../observability/server-events.js';
import type { Admission } from '../sync/access-reviews.js';
import type { SyncSocket } from '../sync/room.js';
import type { RoomLease, RoomRegistry } from '../sync/room-registry.js';
import type { TurnCork } from './turn-cork.js';
import type { WireFrames } from './wire-frames.js';

/** What every connection of an endpoint shares, held as one reference per connection. */
export interface ConnectionWiring {
  registry: RoomRegistry;
  /** A socket with more unsent bytes than this is closed (1013) so it reconnects and resyncs. */
  maxBufferedBytes: number;
  connectionRate: ConnectionRateLimits;
  unsentBytes: UnsentBytesBudget;
  cork: TurnCork;
  frames: WireFrames;
  events: ServerEvents;
  log: Logger;
}

/** How long a socket shed for the unsent-bytes budget gets to finish its close handshake before it is cut. */
const SHED_GRACE_MS = 1_000;

/**
 * One open WebSocket in its room: what the room sends to (SyncSocket), what the unsent-bytes budget
 * reads (BufferedSink), and where the client's frames come in, as one object. It was a set of
 * closures and an object literal with a getter (which V8 keeps in dictionary mode): heap snapshots
 * of 1,000 idle connections showed 6.5 KB per connection against 4.3 KB for @y/websocket-server,
 * a third of the difference in those closures, their contexts and that dictionary (issue 9).
 */
export class WsConnection implements SyncSocket, BufferedSink {
  private readonly rate: ConnectionRate;
  /** True while the room handles this connection's own frame: what it sends back then is a reply. */
  private receiving = false;
  /** Set once the room took the connection in; `detach` runs on every way out, but counts the close once. */
  private joined = false;

  constructor(
    private readonly ws: WebSocket,
    /** The upgraded TCP socket `ws` writes to, corked per iteration (TurnCork). */
    private readonly socket: Duplex,
    private readonly lease: RoomLease,
    private readonly wiring: ConnectionWiring,
    /** Every log line about this connection carries it, so one client's story can be read from the log. */
    private readonly connId: string,
  ) {
    this.rate = new ConnectionRate(wiring.connectionRate, performance.now());
    wiring.unsentBytes.add(this);
    ws.on('close', (code: number) => this.closed(code));
    ws.on('message', (data: RawData, isBinary: boolean) => this.receive(data, isBinary));
  }

  /** Hands the connection to its room. A full room closes it (4429); its close then releases the lease. */
  join(admission: Admission, session: ConnectionSession): void {
    this.wiring.log.debug({ connId: this.connId, roomId: this.lease.room.id, role: session.role }, 'websocket connected');
    this.joined = this.wiring.registry.join(admission, this.lease, this, session);
    if (this.joined) this.wiring.events.connectionOpened();
  }

  send(message: Uint8Array): void {
    const { ws, socket, wiring } = this;
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > wiring.maxBufferedBytes) {
      // The client is not reading. Buffering more would grow without bound; it resyncs on reconnect.
      ws.close(CLOSE_CODES.tryAgainLater, 'client too slow');
      wiring.events.limitHit('client_too_slow');
      this.detach();
      return;
    }
    wiring.cork.hold(socket);
    // The socket `ws` writes its own frames (pings, close) to; with compression off they are
    // whole frames too, so frames written here and there never interleave mid-frame.
    socket.write(wiring.frames.of(message));
    this.rate.noteSent(message, this.receiving, performance.now());
    wiring.unsentBytes.noteSent(this);
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  shed(): void {
    this.ws.close(CLOSE_CODES.tryAgainLater, 'server overloaded: too many unsent bytes');
    this.wiring.events.limitHit('unsent_bytes');
    this.detach();
    // The close frame waits behind everything unsent, so memory is only freed once the socket is cut.
    setTimeout(() => this.ws.terminate(), SHED_GRACE_MS).unref();
  }

  private receive(data: RawData, isBinary: boolean): void {
    const { ws, wiring } = this;
    // Frames already on the wire keep arriving after the server closed the socket: nothing more to decide.
    if (ws.readyState !== WebSocket.OPEN) return;
    if (!isBinary) {
      wiring.events.protocolError('text_frame');
      ws.close(CLOSE_CODES.unsupportedData, 'binary frames only');
      this.detach();
      return;
    }
    const message = toUint8Array(data);
    if (!this.rate.admit(message.byteLength, performance.now())) {
      // Worth knowing when tuning the limits: honest clients should never see this.
      wiring.log.info({ connId: this.connId, roomId: this.lease.room.id }, 'websocket closed (4429): it sent more than its allowance');
      wiring.events.limitHit('connection_rate');
      ws.close(CLOSE_CODES.rateLimited, 'too many messages or bytes; slow down');
      this.detach();
      return;
    }
    this.receiving = true;
    try {
      this.lease.room.receive(this, message);
    } finally {
      this.receiving = false;
    }
  }

  private closed(code: number): void {
    this.wiring.unsentBytes.remove(this);
    this.wiring.log.debug({ connId: this.connId, roomId: this.lease.room.id, code }, 'websocket closed');
    this.detach();
  }

  /** Leaves the room and gives the lease back; runs on every way out (repeats are harmless). */
  private detach(): void {
    this.lease.room.leave(this);
    this.lease.release();
    if (this.joined) this.wiring.events.connectionClosed();
    this.joined = false;
  }
}

function toUint8Array(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
