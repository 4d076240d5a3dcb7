import proxyAddr from '@fastify/proxy-addr';
import { z } from 'zod';
import type { TrustProxy } from './client-address.js';
import type { ConnectionRateLimits } from './connection-rate.js';
import { normalizeOrigin } from './origin.js';

/** Every abuse limit; each one is an environment variable (see the README's Configuration table). */
export interface AbuseLimits {
  /** What one WebSocket connection may send before it is closed with 4429. */
  connection: ConnectionRateLimits;
  /** Open WebSockets per client address (an IPv6 /64 counts as one). */
  connectionsPerAddress: number;
  /** WebSocket handshakes per client address per minute. */
  connectsPerMinute: number;
  /** API requests per client address per minute (autocomplete has its own limit). */
  apiRequestsPerMinute: number;
  /** `POST /api/rooms` per client address per hour. */
  roomCreationsPerHour: number;
  /** Chat messages one person may post in one room in a burst, refilled evenly over CHAT_RATE_WINDOW_MS. */
  chatMessageBurst: number;
  /** Unsent bytes across all sockets before the ones holding most are closed (1013). */
  maxTotalBufferedBytes: number;
}

/** The limits and HTTP hardening settings read from the environment. */
export interface HardeningConfig {
  limits: AbuseLimits;
  /** Origins that may open a WebSocket; null: the server's own host (http or https). */
  allowedOrigins: string[] | null;
  trustProxy: TrustProxy;
}

const MiB = 1024 * 1024;
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/**
 * Defaults sized so honest use never meets them: a fast typist with cursor moves at a 144 Hz mouse
 * sends under 160 messages/s and a few KB/s; a paste or a reconnect's offline edits is one message of
 * up to MAX_MESSAGE_BYTES; a class behind one NAT opens a few dozen sockets at once. A flood (thousands
 * of frames per second) exhausts the burst within a second.
 */
export const limitsEnvShape = {
  WS_MESSAGES_PER_SECOND: int(1, 1_000_000).default(200),
  WS_MESSAGE_BURST: int(1, 10_000_000).default(1000),
  WS_BYTES_PER_SECOND: int(1024, 1024 * MiB).default(MiB),
  WS_BYTES_BURST: int(1024, 16 * 1024 * MiB).default(32 * MiB),
  WS_CONNECTIONS_PER_IP: int(1, 1_000_000).default(64),
  WS_CONNECT_RATE_LIMIT: int(1, 1_000_000).default(240),
  API_RATE_LIMIT: int(1, 1_000_000).default(600),
  ROOM_CREATIONS_PER_HOUR: int(1, 1_000_000).default(100),
  CHAT_MESSAGE_BURST: int(1, 100_000).default(20),
  MAX_TOTAL_BUFFERED_BYTES: int(MiB, 64 * 1024 * MiB).default(256 * MiB),
  ALLOWED_ORIGINS: z.string().transform(parseOrigins).optional(),
  TRUST_PROXY: z.string().transform(parseTrustProxy).optional(),
};

type LimitsEnv = z.output<z.ZodObject<typeof limitsEnvShape>> & { MAX_MESSAGE_BYTES: number };

/** Checks between variables; add with `.superRefine` on the whole environment schema. */
export function refineLimitsEnv(env: LimitsEnv, ctx: z.RefinementCtx): void {
  if (env.WS_BYTES_BURST < env.MAX_MESSAGE_BYTES) {
    ctx.addIssue({
      code: 'custom',
      path: ['WS_BYTES_BURST'],
      message: `must be at least MAX_MESSAGE_BYTES (${env.MAX_MESSAGE_BYTES}), or a message of the largest accepted size would be refused`,
    });
  }
}

export function hardeningConfig(env: LimitsEnv): HardeningConfig {
  return {
    limits: {
      connection: {
        messagesPerSecond: env.WS_MESSAGES_PER_SECOND,
        messageBurst: env.WS_MESSAGE_BURST,
        bytesPerSecond: env.WS_BYTES_PER_SECOND,
        bytesBurst: env.WS_BYTES_BURST,
      },
      connectionsPerAddress: env.WS_CONNECTIONS_PER_IP,
      connectsPerMinute: env.WS_CONNECT_RATE_LIMIT,
      apiRequestsPerMinute: env.API_RATE_LIMIT,
      roomCreationsPerHour: env.ROOM_CREATIONS_PER_HOUR,
      chatMessageBurst: env.CHAT_MESSAGE_BURST,
      maxTotalBufferedBytes: env.MAX_TOTAL_BUFFERED_BYTES,
    },
    allowedOrigins: env.ALLOWED_ORIGINS ?? null,
    trustProxy: env.TRUST_PROXY ?? false,
  };
}

/** The limits an empty environment gives (with the default MAX_MESSAGE_BYTES). */
export const DEFAULT_LIMITS: AbuseLimits = hardeningConfig({
  ...z.object(limitsEnvShape).parse({}),
  MAX_MESSAGE_BYTES: 16 * MiB,
}).limits;

function parseOrigins(value: string, ctx: z.RefinementCtx): string[] {
  const origins: string[] = [];
  for (const entry of value.split(',').map((s) => s.trim())) {
    if (entry === '') continue;
    const origin = normalizeOrigin(entry);
    if (origin === null) {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(entry)} is not an origin like https://pairwise.example.com` });
      return z.NEVER;
    }
    origins.push(origin);
  }
  if (origins.length === 0) {
    ctx.addIssue({ code: 'custom', message: "lists no origin (unset it to allow the server's own)" });
    return z.NEVER;
  }
  return origins;
}

function parseTrustProxy(value: string, ctx: z.RefinementCtx): TrustProxy {
  if (value === 'true') return true;
  if (value === 'false') return false;
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  try {
    proxyAddr.compile(entries);
  } catch (err) {
    ctx.addIssue({
      code: 'custom',
      message: `true, false, or addresses/CIDR ranges/loopback/linklocal/uniquelocal: ${(err as Error).message}`,
    });
    return z.NEVER;
  }
  return entries;
}
