import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type Config } from './config.js';

/** The environment contract of the server: defaults, one clear error per bad variable, paths resolved against cwd. */

const CWD = '/srv/pairwise';
const WEB = '/opt/pairwise/web/dist';
const MiB = 1024 * 1024;

const CORE_VARIABLES = [
  'PORT',
  'HOST',
  'DATA_DIR',
  'DATABASE_URL',
  'LOG_LEVEL',
  'WEB_DIST_DIR',
  'FLUSH_WINDOW_MS',
  'ROOM_IDLE_MS',
  'COMPACTION_THRESHOLD',
  'MAX_MESSAGE_BYTES',
  'MAX_BUFFERED_BYTES',
  'PING_INTERVAL_MS',
  'API_TIMEOUT_MS',
];

const load = (env: NodeJS.ProcessEnv): Config => loadConfig(env, CWD, WEB);

/** The error loadConfig throws for `env` (fails the test if it throws nothing or something else). */
function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    load(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`no ConfigError for ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  // toMatchObject: other settings (e.g. completion) have their own tests.
  it('uses the documented defaults for an empty environment', () => {
    expect(load({})).toMatchObject<Partial<Config>>({
      port: 3000,
      host: '0.0.0.0',
      dataDir: '/srv/pairwise/data',
      databaseUrl: null,
      redisUrl: null,
      logLevel: 'info',
      webDistDir: WEB,
      flushWindowMs: 100,
      idleUnloadMs: 10_000,
      compactionThreshold: 500,
      maxMessageBytes: 16 * MiB,
      maxBufferedBytes: 16 * MiB,
      pingIntervalMs: 30_000,
      apiTimeoutMs: 10_000,
    });
  });

  it('reads every variable', () => {
    expect(
      load({
        PORT: '8080',
        HOST: '127.0.0.1',
        DATA_DIR: '/var/lib/pairwise',
        DATABASE_URL: 'postgres://pw:secret@db:5432/pairwise',
        LOG_LEVEL: 'debug',
        WEB_DIST_DIR: '/srv/web',
        FLUSH_WINDOW_MS: '250',
        ROOM_IDLE_MS: '0',
        COMPACTION_THRESHOLD: '20',
        MAX_MESSAGE_BYTES: '1024',
        MAX_BUFFERED_BYTES: '65536',
        PING_INTERVAL_MS: '1000',
        API_TIMEOUT_MS: '2500',
      }),
    ).toMatchObject<Partial<Config>>({
      port: 8080,
      host: '127.0.0.1',
      dataDir: '/var/lib/pairwise',
      databaseUrl: 'postgres://pw:secret@db:5432/pairwise',
      logLevel: 'debug',
      webDistDir: '/srv/web',
      flushWindowMs: 250,
      idleUnloadMs: 0,
      compactionThreshold: 20,
      maxMessageBytes: 1024,
      maxBufferedBytes: 65_536,
      pingIntervalMs: 1000,
      apiTimeoutMs: 2500,
    });
  });

  it('ignores variables it does not know (a real process environment is full of them)', () => {
    expect(load({ PATH: '/usr/bin', HOME: '/root', NODE_ENV: 'production', PORT: '4000' }).port).toBe(4000);
  });

  it('treats empty strings as unset', () => {
    const env: NodeJS.ProcessEnv = {};
    for (const name of CORE_VARIABLES) env[name] = '';
    expect(load(env)).toEqual(load({}));
  });

  describe('each invalid variable gives a ConfigError: one line that names the variable', () => {
    const invalid: [name: string, value: string][] = [
      ['PORT', 'abc'],
      ['PORT', '70000'],
      ['PORT', '-1'],
      ['PORT', '80.5'],
      ['LOG_LEVEL', 'verbose'],
      ['LOG_LEVEL', 'INFO'],
      ['DATABASE_URL', 'mysql://db/pairwise'],
      ['DATABASE_URL', 'db.example.com:5432'],
      ['FLUSH_WINDOW_MS', '0'],
      ['FLUSH_WINDOW_MS', '10001'],
      ['FLUSH_WINDOW_MS', 'soon'],
      ['ROOM_IDLE_MS', '-5'],
      ['ROOM_IDLE_MS', String(24 * 3600_000 + 1)],
      ['COMPACTION_THRESHOLD', '0'],
      ['COMPACTION_THRESHOLD', '1000001'],
      ['COMPACTION_THRESHOLD', '2.5'],
      ['MAX_MESSAGE_BYTES', '1023'],
      ['MAX_MESSAGE_BYTES', String(256 * MiB + 1)],
      ['MAX_BUFFERED_BYTES', '1000'],
      ['PING_INTERVAL_MS', '999'],
      ['PING_INTERVAL_MS', 'often'],
      ['API_TIMEOUT_MS', '99'],
      ['API_TIMEOUT_MS', 'never'],
    ];
    for (const [name, value] of invalid) {
      it(`${name}=${value}`, () => {
        const error = configError({ [name]: value });
        expect(error.message).toContain(name);
        expect(error.message).not.toContain('\n');
        // Only the bad variable is named, not others that are fine.
        expect(CORE_VARIABLES.filter((v) => new RegExp(`\\b${v}\\b`).test(error.message))).toEqual([name]);
      });
    }

    it('reports one variable even when several are wrong', () => {
      const error = configError({ PORT: 'x', LOG_LEVEL: 'loud' });
      expect(error.message).not.toContain('\n');
      expect(error.name).toBe('ConfigError');
    });
  });

  // Regression (fixed): numbers are parsed with z.coerce.number(), i.e. Number(value), and Number('  ') is 0.
  // A whitespace-only PORT (an easy slip in a .env or compose file) silently starts the server on a
  // random port, and ROOM_IDLE_MS='  ' means "unload at once". Suggested fix: treat values that
  // are blank after trimming as unset (like empty strings), or parse integers with a /^\d+$/ regex.
  it('whitespace-only numeric variables are not silently read as 0', () => {
    for (const name of ['PORT', 'ROOM_IDLE_MS']) {
      let result: Config | ConfigError;
      try {
        result = load({ [name]: '  ' });
      } catch (err) {
        result = err as ConfigError;
      }
      if (result instanceof ConfigError) {
        expect(result.message).toContain(name);
      } else {
        expect(result, `${name}='  '`).toEqual(load({}));
      }
    }
  });

  describe('DATABASE_URL', () => {
    it('accepts postgres:// and postgresql:// URLs', () => {
      expect(load({ DATABASE_URL: 'postgres://u@localhost/db' }).databaseUrl).toBe('postgres://u@localhost/db');
      expect(load({ DATABASE_URL: 'postgresql://u@localhost:5433/db?sslmode=require' }).databaseUrl).toBe(
        'postgresql://u@localhost:5433/db?sslmode=require',
      );
    });

    it('rejects anything else', () => {
      for (const url of ['sqlite:///tmp/x.db', 'http://localhost:5432', 'postgres:/missing-slash', ' postgres://u@h/db']) {
        expect(configError({ DATABASE_URL: url }).message).toContain('DATABASE_URL');
      }
    });
  });

  describe('REDIS_URL', () => {
    it('accepts redis:// and rediss:// URLs', () => {
      expect(load({ REDIS_URL: 'redis://127.0.0.1:6379' }).redisUrl).toBe('redis://127.0.0.1:6379');
      expect(load({ REDIS_URL: 'rediss://user:pw@cache:6380/2' }).redisUrl).toBe('rediss://user:pw@cache:6380/2');
    });

    it('rejects anything else, naming only REDIS_URL', () => {
      for (const url of ['http://cache:6379', 'cache:6379', 'redis://', ' redis://cache']) {
        const error = configError({ REDIS_URL: url });
        expect(error.message).toContain('REDIS_URL');
        expect(CORE_VARIABLES.some((v) => new RegExp(`\\b${v}\\b`).test(error.message))).toBe(false);
      }
    });
  });

  describe('CLUSTER_CHECK_MS and CLUSTER_PEER_STORE_MS', () => {
    it('default to a state check every 30 s and storing unconfirmed peer edits after 10 s', () => {
      expect(load({}).linkTiming).toEqual({ checkIntervalMs: 30_000, peerStoreMs: 10_000, confirmIntervalMs: 1_000 });
    });

    it('confirm storage ten times within the peer-store wait when it is short', () => {
      expect(load({ CLUSTER_CHECK_MS: '5000', CLUSTER_PEER_STORE_MS: '1000' }).linkTiming).toEqual({
        checkIntervalMs: 5_000,
        peerStoreMs: 1_000,
        confirmIntervalMs: 100,
      });
    });

    it('refuse waits too short to tell a slow peer from a dead one', () => {
      expect(configError({ CLUSTER_PEER_STORE_MS: '100' }).message).toContain('CLUSTER_PEER_STORE_MS');
      expect(configError({ CLUSTER_CHECK_MS: '10' }).message).toContain('CLUSTER_CHECK_MS');
    });
  });

  describe('paths', () => {
    it('resolves a relative DATA_DIR against cwd', () => {
      expect(load({ DATA_DIR: 'store' }).dataDir).toBe('/srv/pairwise/store');
      expect(load({ DATA_DIR: './a/../b' }).dataDir).toBe('/srv/pairwise/b');
      expect(load({ DATA_DIR: '../shared' }).dataDir).toBe('/srv/shared');
    });

    it('keeps an absolute DATA_DIR as given', () => {
      expect(load({ DATA_DIR: '/data/pairwise' }).dataDir).toBe('/data/pairwise');
    });

    it('resolves a relative WEB_DIST_DIR against cwd, and defaults to the packaged one', () => {
      expect(load({ WEB_DIST_DIR: 'web' }).webDistDir).toBe('/srv/pairwise/web');
      expect(load({}).webDistDir).toBe(WEB);
    });
  });
  describe('accounts and sessions', () => {
    it('defaults: a stored secret, 30-day sessions, 1000 rooms per user, 10 sign-ins per account and 100 per address', () => {
      expect(load({}).auth).toEqual({
        secret: null,
        sessionTtlMs: 720 * 3600_000,
        maxRoomsPerUser: 1000,
        loginAttemptsPerAccount: 10,
        loginAttemptsPerIp: 100,
      });
    });

    it('reads every variable', () => {
      const secret = 'x'.repeat(32);
      expect(
        load({
          AUTH_SECRET: secret,
          SESSION_TTL_HOURS: '2',
          MAX_ROOMS_PER_USER: '5',
          LOGIN_ATTEMPTS_PER_ACCOUNT: '3',
          LOGIN_ATTEMPTS_PER_IP: '7',
        }).auth,
      ).toEqual({
        secret,
        sessionTtlMs: 2 * 3600_000,
        maxRoomsPerUser: 5,
        loginAttemptsPerAccount: 3,
        loginAttemptsPerIp: 7,
      });
    });

    it.each([
      ['AUTH_SECRET', 'too-short'],
      ['SESSION_TTL_HOURS', '0'],
      ['MAX_ROOMS_PER_USER', 'many'],
      ['LOGIN_ATTEMPTS_PER_ACCOUNT', '0'],
      ['LOGIN_ATTEMPTS_PER_IP', '-1'],
    ])('%s=%s is refused naming the variable', (name, value) => {
      const error = configError({ [name]: value });
      expect(error.message).toContain(name);
      expect(error.message).not.toContain('\n');
    });

    it('never echoes a refused AUTH_SECRET', () => {
      expect(configError({ AUTH_SECRET: 'hunter2-hunter2' }).message).not.toContain('hunter2');
    });
  });

  describe('room limits', () => {
    it('default to 200 connections, 4 awareness ids each, 1,000,000 characters and 16 MiB', () => {
      expect(load({}).roomLimits).toEqual({
        maxConnections: 200,
        maxAwarenessIdsPerConnection: 4,
        maxTextLength: 1_000_000,
        maxBytes: 16 * MiB,
      });
    });

    it('are read from MAX_CONNECTIONS_PER_ROOM, MAX_AWARENESS_IDS_PER_CONNECTION, MAX_ROOM_TEXT_LENGTH, MAX_ROOM_BYTES', () => {
      const env = {
        MAX_CONNECTIONS_PER_ROOM: '3',
        MAX_AWARENESS_IDS_PER_CONNECTION: '1',
        MAX_ROOM_TEXT_LENGTH: '5000',
        MAX_ROOM_BYTES: '65536',
      };
      expect(load(env).roomLimits).toEqual({ maxConnections: 3, maxAwarenessIdsPerConnection: 1, maxTextLength: 5000, maxBytes: 65_536 });
    });

    for (const [name, value] of [
      ['MAX_CONNECTIONS_PER_ROOM', '0'],
      ['MAX_AWARENESS_IDS_PER_CONNECTION', '0'],
      ['MAX_ROOM_TEXT_LENGTH', '999'],
      ['MAX_ROOM_BYTES', '1024'],
      ['MAX_ROOM_BYTES', 'big'],
    ] as const) {
      it(`refuses ${name}=${value}`, () => {
        expect(configError({ [name]: value }).message).toContain(name);
      });
    }
  });

  describe('metrics', () => {
    it('are open unless METRICS_TOKEN is set', () => {
      expect(load({}).metricsToken).toBeNull();
      expect(load({ METRICS_TOKEN: 'scrape-token-0123456789' }).metricsToken).toBe('scrape-token-0123456789');
    });

    it('refuses a METRICS_TOKEN under 16 characters, without echoing it', () => {
      const message = configError({ METRICS_TOKEN: 'short-secret' }).message;
      expect(message).toContain('METRICS_TOKEN');
      expect(message).not.toContain('short-secret');
    });
  });

  describe('room retention', () => {
    it('is off unless ROOM_RETENTION_DAYS is set (blank counts as unset)', () => {
      expect(load({}).roomRetentionDays).toBeNull();
      expect(load({ ROOM_RETENTION_DAYS: ' ' }).roomRetentionDays).toBeNull();
      expect(load({ ROOM_RETENTION_DAYS: '90' }).roomRetentionDays).toBe(90);
      expect(load({ ROOM_RETENTION_DAYS: '1' }).roomRetentionDays).toBe(1);
    });

    for (const value of ['0', '-3', '1.5', 'forever', '36501']) {
      it(`refuses ROOM_RETENTION_DAYS=${value}`, () => {
        const message = configError({ ROOM_RETENTION_DAYS: value }).message;
        expect(message).toContain('ROOM_RETENTION_DAYS');
        expect(message).not.toContain('\n');
      });
    }
  });

  describe('history', () => {
    it('takes automatic versions after 30 s of quiet and every 10 minutes, keeps every update a week, minute points 30 days', () => {
      expect(load({}).history).toEqual({
        autoVersions: { pauseMs: 30_000, everyMs: 600_000 },
        retention: { keepAllMs: 7 * 86_400_000, minutePointsMs: 30 * 86_400_000 },
      });
      const set = load({ AUTO_VERSION_PAUSE_MS: '5000', HISTORY_KEEP_ALL_DAYS: '2', HISTORY_MINUTE_POINTS_DAYS: '2' }).history;
      expect(set).toMatchObject({
        autoVersions: { pauseMs: 5_000 },
        retention: { keepAllMs: 2 * 86_400_000, minutePointsMs: 2 * 86_400_000 },
      });
    });

    it('refuses minute points kept for less time than every update', () => {
      expect(configError({ HISTORY_KEEP_ALL_DAYS: '10', HISTORY_MINUTE_POINTS_DAYS: '5' }).message).toContain('HISTORY_MINUTE_POINTS_DAYS');
      expect(configError({ AUTO_VERSION_EVERY_MS: '1000' }).message).toContain('AUTO_VERSION_EVERY_MS');
    });
  });
  describe('where code runs (RUNNER)', () => {
    it('defaults to the browser only; sandbox reads its limits and resolves SANDBOX_DIR against cwd', () => {
      expect(load({}).runner).toEqual({ kind: 'browser' });
      expect(
        load({
          RUNNER: 'sandbox',
          RUN_TIME_LIMIT_MS: '5000',
          COMPILE_TIME_LIMIT_MS: '20000',
          SANDBOX_MEMORY_MB: '128',
          SANDBOX_PIDS: '16',
          SANDBOX_SLOTS: '3',
          SANDBOX_DIR: 'boxes',
        }).runner,
      ).toEqual({
        kind: 'sandbox',
        dir: '/srv/pairwise/boxes',
        slots: 3,
        limits: { runMs: 5000, compileMs: 20_000, memoryBytes: 128 * MiB, pids: 16, maxOutputBytes: 64 * 1024 },
      });
      expect(configError({ RUNNER: 'docker' }).message).toContain('RUNNER');
      expect(configError({ RUNNER: 'sandbox', SANDBOX_PIDS: '1' }).message).toContain('SANDBOX_PIDS');
    });
  });
});
