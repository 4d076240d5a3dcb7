import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { hardeningConfig, limitsEnvShape, refineLimitsEnv, type HardeningConfig } from './limits/config.js';
import type { RoomLinkTiming } from './cluster/room-link.js';
import type { RoomLimits } from './sync/room-limits.js';
import type { HistoryConfig } from './history/history-config.js';
import { DAY_MS } from './history/history-thinning.js';
import { type RunnerConfig, runnerConfig, runnerEnvShape } from './runs/sandbox/sandbox-config.js';

/** Everything the server reads from its environment, read once by the composition root. */
export interface Config extends HardeningConfig {
  port: number;
  host: string;
  dataDir: string;
  /** A postgres:// URL switches storage from SQLite to PostgreSQL. */
  databaseUrl: string | null;
  /** A redis:// URL lets several instances serve the same rooms (room bus); null: one instance. */
  redisUrl: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  webDistDir: string;
  flushWindowMs: number;
  /** Unstored bytes one room may hold while storage fails before it takes no more edits (4503). */
  maxRoomBacklogBytes: number;
  /** Unstored bytes all rooms may hold together; past it, rooms whose writes fail take no more edits. */
  maxBacklogBytes: number;
  /** How long shutdown keeps retrying writes that fail before it reports what it could not store. */
  shutdownRetryMs: number;
  idleUnloadMs: number;
  /** Log entries an instance appends to a room before it folds the room's stored log into one snapshot. */
  compactionThreshold: number;
  maxMessageBytes: number;
  maxBufferedBytes: number;
  pingIntervalMs: number;
  /** How long an API request may take before it is answered 503 (a database that stopped answering). */
  apiTimeoutMs: number;
  completion: CompletionConfig;
  auth: AuthConfig;
  /** Per-room limits from the environment; the awareness id grace period keeps its default. */
  roomLimits: Omit<RoomLimits, 'awarenessIdGraceMs'>;
  /** Bearer token `GET /metrics` requires; null: metrics are open. */
  metricsToken: string | null;
  /** How instances serving one room keep their copies whole (used with REDIS_URL). */
  linkTiming: RoomLinkTiming;
  /** Rooms nobody opened for this many days are deleted; null (the default): rooms are kept forever. */
  roomRetentionDays: number | null;
  history: HistoryConfig;
  /** RUNNER: whether this server also runs code itself, in its sandbox, and with which limits. */
  runner: RunnerConfig;
}

/** Accounts, sign-in sessions and the limits around them. */
export interface AuthConfig {
  /** Signs session tokens and guest cookies; null: a random one kept in the store, shared by every instance. */
  secret: string | null;
  sessionTtlMs: number;
  maxRoomsPerUser: number;
  /** Sign-in attempts allowed per account, and per client address, in each LOGIN_WINDOW_MS. */
  loginAttemptsPerAccount: number;
  loginAttemptsPerIp: number;
}

/** The window the sign-in attempt limits refill over. */
export const LOGIN_WINDOW_MS = 15 * 60_000;

/** `local` never sends code anywhere; `openai` sends it to the configured endpoint. */
export type CompletionConfig =
  | { provider: 'local'; requestsPerMinute: number }
  | { provider: 'openai'; requestsPerMinute: number; baseUrl: string; apiKey: string | null; model: string; timeoutMs: number };

/** API_TIMEOUT_MS when not set. */
export const DEFAULT_API_TIMEOUT_MS = 10_000;

const MiB = 1024 * 1024;
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const coreEnvSchema = z.object({
  PORT: int(0, 65_535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WEB_DIST_DIR: z.string().min(1).optional(),
  FLUSH_WINDOW_MS: int(1, 10_000).default(100),
  MAX_ROOM_BACKLOG_BYTES: int(1024, 1024 * MiB).default(8 * MiB),
  MAX_BACKLOG_BYTES: int(1024, 16 * 1024 * MiB).default(256 * MiB),
  SHUTDOWN_RETRY_MS: int(0, 3600_000).default(10_000),
  ROOM_IDLE_MS: int(0, 24 * 3600_000).default(10_000),
  COMPACTION_THRESHOLD: int(1, 1_000_000).default(500),
  MAX_MESSAGE_BYTES: int(1024, 256 * MiB).default(16 * MiB),
  MAX_BUFFERED_BYTES: int(64 * 1024, 1024 * MiB).default(16 * MiB),
  PING_INTERVAL_MS: int(1_000, 3600_000).default(30_000),
  API_TIMEOUT_MS: int(100, 600_000).default(DEFAULT_API_TIMEOUT_MS),
  COMPLETION_PROVIDER: z.enum(['local', 'openai']).default('local'),
  COMPLETION_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  COMPLETION_API_KEY: z.string().optional(),
  COMPLETION_MODEL: z.string().min(1).optional(),
  COMPLETION_TIMEOUT_MS: int(50, 60_000).default(3_000),
  AUTOCOMPLETE_RATE_LIMIT: int(1, 100_000).default(300),
  AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_TTL_HOURS: int(1, 24 * 366).default(720),
  MAX_ROOMS_PER_USER: int(1, 1_000_000).default(1000),
  LOGIN_ATTEMPTS_PER_ACCOUNT: int(1, 10_000).default(10),
  LOGIN_ATTEMPTS_PER_IP: int(1, 100_000).default(100),
  MAX_CONNECTIONS_PER_ROOM: int(1, 100_000).default(200),
  MAX_AWARENESS_IDS_PER_CONNECTION: int(1, 1_000).default(4),
  MAX_ROOM_TEXT_LENGTH: int(1_000, 1_000_000_000).default(1_000_000),
  MAX_ROOM_BYTES: int(64 * 1024, 4 * 1024 * MiB).default(16 * MiB),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  CLUSTER_CHECK_MS: int(1_000, 3600_000).default(30_000),
  CLUSTER_PEER_STORE_MS: int(500, 3600_000).default(10_000),
  ROOM_RETENTION_DAYS: int(1, 36_500).optional(),
  AUTO_VERSION_PAUSE_MS: int(1_000, 24 * 3600_000).default(30_000),
  AUTO_VERSION_EVERY_MS: int(60_000, 7 * 24 * 3600_000).default(600_000),
  HISTORY_KEEP_ALL_DAYS: int(1, 36_500).default(7),
  HISTORY_MINUTE_POINTS_DAYS: int(1, 36_500).default(30),
});
/** The abuse limits and HTTP hardening variables live beside their code (limits/config.ts). */
const envSchema = coreEnvSchema.extend(limitsEnvShape).extend(runnerEnvShape).superRefine(refineLimitsEnv);
type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Validate the environment. `defaultWebDistDir` is where the built web app sits next to this
 * package; relative paths are resolved against `cwd`.
 */
export function loadConfig(env: NodeJS.ProcessEnv, cwd: string, defaultWebDistDir: string): Config {
  // Blank variables count as unset, as in most twelve-factor apps (and `Number('  ')` would be 0).
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`invalid configuration: ${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  if (e.HISTORY_MINUTE_POINTS_DAYS < e.HISTORY_KEEP_ALL_DAYS) {
    throw new ConfigError('invalid configuration: HISTORY_MINUTE_POINTS_DAYS: must be at least HISTORY_KEEP_ALL_DAYS');
  }
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: abs(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL ?? null,
    redisUrl: e.REDIS_URL ?? null,
    logLevel: e.LOG_LEVEL,
    webDistDir: e.WEB_DIST_DIR ? abs(e.WEB_DIST_DIR) : defaultWebDistDir,
    flushWindowMs: e.FLUSH_WINDOW_MS,
    maxRoomBacklogBytes: e.MAX_ROOM_BACKLOG_BYTES,
    maxBacklogBytes: e.MAX_BACKLOG_BYTES,
    shutdownRetryMs: e.SHUTDOWN_RETRY_MS,
    idleUnloadMs: e.ROOM_IDLE_MS,
    compactionThreshold: e.COMPACTION_THRESHOLD,
    maxMessageBytes: e.MAX_MESSAGE_BYTES,
    maxBufferedBytes: e.MAX_BUFFERED_BYTES,
    pingIntervalMs: e.PING_INTERVAL_MS,
    apiTimeoutMs: e.API_TIMEOUT_MS,
    completion: completionConfig(e),
    auth: {
      secret: e.AUTH_SECRET ?? null,
      sessionTtlMs: e.SESSION_TTL_HOURS * 3600_000,
      maxRoomsPerUser: e.MAX_ROOMS_PER_USER,
      loginAttemptsPerAccount: e.LOGIN_ATTEMPTS_PER_ACCOUNT,
      loginAttemptsPerIp: e.LOGIN_ATTEMPTS_PER_IP,
    },
    roomLimits: {
      maxConnections: e.MAX_CONNECTIONS_PER_ROOM,
      maxAwarenessIdsPerConnection: e.MAX_AWARENESS_IDS_PER_CONNECTION,
      maxTextLength: e.MAX_ROOM_TEXT_LENGTH,
      maxBytes: e.MAX_ROOM_BYTES,
    },
    metricsToken: e.METRICS_TOKEN ?? null,
    linkTiming: {
      checkIntervalMs: e.CLUSTER_CHECK_MS,
      peerStoreMs: e.CLUSTER_PEER_STORE_MS,
      // Confirming ten times per peer-store wait keeps healthy peers from storing each other's edits.
      confirmIntervalMs: Math.min(1_000, Math.round(e.CLUSTER_PEER_STORE_MS / 10)),
    },
    roomRetentionDays: e.ROOM_RETENTION_DAYS ?? null,
    history: {
      autoVersions: { pauseMs: e.AUTO_VERSION_PAUSE_MS, everyMs: e.AUTO_VERSION_EVERY_MS },
      retention: { keepAllMs: e.HISTORY_KEEP_ALL_DAYS * DAY_MS, minutePointsMs: e.HISTORY_MINUTE_POINTS_DAYS * DAY_MS },
    },
    runner: runnerConfig(e, abs),
    ...hardeningConfig(e),
  };
}

function completionConfig(e: Env): CompletionConfig {
  const requestsPerMinute = e.AUTOCOMPLETE_RATE_LIMIT;
  if (e.COMPLETION_PROVIDER === 'local') return { provider: 'local', requestsPerMinute };
  if (!e.COMPLETION_BASE_URL) throw new ConfigError('invalid configuration: COMPLETION_PROVIDER=openai needs COMPLETION_BASE_URL');
  if (!e.COMPLETION_MODEL) throw new ConfigError('invalid configuration: COMPLETION_PROVIDER=openai needs COMPLETION_MODEL');
  return {
    provider: 'openai',
    requestsPerMinute,
    baseUrl: e.COMPLETION_BASE_URL,
    apiKey: e.COMPLETION_API_KEY ?? null,
    model: e.COMPLETION_MODEL,
    timeoutMs: e.COMPLETION_TIMEOUT_MS,
  };
}
