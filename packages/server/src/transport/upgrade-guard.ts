import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { ApiError } from '@pairwise/protocol';
import { addressKey, clientAddress, requestedHost, type TrustFunction } from '../limits/client-address.js';
import { KeyedCount } from '../limits/keyed-count.js';
import { KeyedRate } from '../limits/keyed-rate.js';
import { originAllowed } from '../limits/origin.js';
import type { ServerEvents } from '../observability/server-events.js';

export interface UpgradeGuardOptions {
  /** Origins whose pages may connect; null: the server's own host. */
  allowedOrigins: readonly string[] | null;
  trust: TrustFunction;
  /** Open WebSockets per client address. */
  connectionsPerAddress: number;
  /** Handshakes per client address per minute. */
  connectsPerMinute: number;
  log: Logger;
  events: ServerEvents;
  /** Monotonic milliseconds; tests pass their own clock. */
  now?: () => number;
}

/** What a client whose address already holds the most sockets allowed is told to wait; a guess: sockets come and go. */
const FULL_RETRY_AFTER_SECONDS = 10;

/**
 * The checks every WebSocket upgrade passes before anything else happens (before a room is loaded or
 * a session is resolved): the page's `Origin`, then handshakes per minute and open sockets per
 * client address. Refusals are plain HTTP answers (403, 429 with Retry-After), as a browser sees no
 * WebSocket close code for a handshake that never completed.
 */
export class UpgradeGuard {
  private readonly open: KeyedCount;
  private readonly attempts: KeyedRate;
  private readonly now: () => number;

  constructor(private readonly options: UpgradeGuardOptions) {
    this.open = new KeyedCount(options.connectionsPerAddress);
    this.attempts = new KeyedRate(options.connectsPerMinute, 60_000);
    this.now = options.now ?? (() => performance.now());
  }

  /**
   * True if the upgrade may go on; it then counts against its address until `socket` closes.
   * False if the guard has answered the request itself (and is closing the socket).
   */
  admit(request: IncomingMessage, socket: Duplex): boolean {
    const { allowedOrigins, trust, log, events } = this.options;
    const origin = request.headers.origin;
    if (!originAllowed(origin, requestedHost(request, trust), allowedOrigins)) {
      log.debug({ origin }, 'websocket refused: origin not allowed');
      events.limitHit('origin');
      refuseUpgrade(socket, 403, 'origin_not_allowed', 'pages from this origin may not open a WebSocket here (see ALLOWED_ORIGINS)');
      return false;
    }
    const address = clientAddress(request, trust);
    if (address === null) {
      socket.destroy();
      return false;
    }
    const key = addressKey(address);
    const attempt = this.attempts.take(key, this.now());
    if (!attempt.allowed) {
      log.debug({ address: key }, 'websocket refused: too many handshakes from this address');
      events.limitHit('handshake_rate');
      refuseUpgrade(socket, 429, 'rate_limited', 'too many WebSocket connections opened from this address', attempt.retryAfterSeconds);
      return false;
    }
    if (!this.open.tryAcquire(key)) {
      log.debug({ address: key }, 'websocket refused: too many open sockets from this address');
      events.limitHit('connections_per_address');
      refuseUpgrade(socket, 429, 'too_many_connections', 'too many open WebSockets from this address', FULL_RETRY_AFTER_SECONDS);
      return false;
    }
    // `on`: 'close' comes once, and a `once` wrapper would stay in memory for every open connection.
    socket.on('close', () => this.open.release(key));
    return true;
  }
}

/** Answers an upgrade request with a JSON error in the API's shape and closes the connection. */
function refuseUpgrade(socket: Duplex, status: number, code: string, message: string, retryAfterSeconds?: number): void {
  const error: ApiError = { error: { code, message } };
  const body = JSON.stringify(error);
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
    'Connection: close',
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...(retryAfterSeconds === undefined ? [] : [`Retry-After: ${retryAfterSeconds}`]),
  ];
  // As `ws` does for the handshakes it refuses: destroy once the answer is out, whatever the client does.
  socket.once('finish', () => socket.destroy());
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}
