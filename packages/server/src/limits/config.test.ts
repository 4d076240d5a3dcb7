import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { DEFAULT_LIMITS } from './config.js';

/** The abuse-limit and hardening variables: defaults, parsing, and one clear error per bad value. */

const MiB = 1024 * 1024;
const load = (env: NodeJS.ProcessEnv): Config => loadConfig(env, '/srv', '/srv/web');

function errorFor(env: NodeJS.ProcessEnv): string {
  try {
    load(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`no ConfigError for ${JSON.stringify(env)}`);
}

describe('abuse limits and hardening configuration', () => {
  it('defaults: the documented values, own-host origins, no trusted proxy', () => {
    const config = load({});
    expect(config.limits).toEqual({
      connection: { messagesPerSecond: 200, messageBurst: 1000, bytesPerSecond: MiB, bytesBurst: 32 * MiB },
      connectionsPerAddress: 64,
      connectsPerMinute: 240,
      apiRequestsPerMinute: 600,
      roomCreationsPerHour: 100,
      chatMessageBurst: 20,
      maxTotalBufferedBytes: 256 * MiB,
    });
    expect(config.limits).toEqual(DEFAULT_LIMITS);
    expect(config.allowedOrigins).toBeNull();
    expect(config.trustProxy).toBe(false);
  });

  it('reads every variable', () => {
    const config = load({
      WS_MESSAGES_PER_SECOND: '50',
      WS_MESSAGE_BURST: '100',
      WS_BYTES_PER_SECOND: '2048',
      WS_BYTES_BURST: String(64 * MiB),
      WS_CONNECTIONS_PER_IP: '8',
      WS_CONNECT_RATE_LIMIT: '30',
      API_RATE_LIMIT: '120',
      ROOM_CREATIONS_PER_HOUR: '5',
      CHAT_MESSAGE_BURST: '3',
      MAX_TOTAL_BUFFERED_BYTES: String(32 * MiB),
      ALLOWED_ORIGINS: 'https://Pairwise.example.com, http://localhost:5173/',
      TRUST_PROXY: 'loopback, 10.0.0.0/8',
    });
    expect(config.limits).toEqual({
      connection: { messagesPerSecond: 50, messageBurst: 100, bytesPerSecond: 2048, bytesBurst: 64 * MiB },
      connectionsPerAddress: 8,
      connectsPerMinute: 30,
      apiRequestsPerMinute: 120,
      roomCreationsPerHour: 5,
      chatMessageBurst: 3,
      maxTotalBufferedBytes: 32 * MiB,
    });
    expect(config.allowedOrigins).toEqual(['https://pairwise.example.com', 'http://localhost:5173']);
    expect(config.trustProxy).toEqual(['loopback', '10.0.0.0/8']);
  });

  it('TRUST_PROXY=true trusts every proxy; false none', () => {
    expect(load({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(load({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
  });

  describe('each invalid value names its variable on one line', () => {
    const invalid: [name: string, value: string][] = [
      ['WS_MESSAGES_PER_SECOND', '0'],
      ['WS_MESSAGE_BURST', 'lots'],
      ['WS_BYTES_PER_SECOND', '100'],
      ['WS_CONNECTIONS_PER_IP', '-1'],
      ['WS_CONNECT_RATE_LIMIT', '1.5'],
      ['API_RATE_LIMIT', '0'],
      ['ROOM_CREATIONS_PER_HOUR', 'x'],
      ['CHAT_MESSAGE_BURST', '0'],
      ['MAX_TOTAL_BUFFERED_BYTES', '1000'],
      ['ALLOWED_ORIGINS', 'pairwise.example.com'],
      ['ALLOWED_ORIGINS', 'https://pairwise.example.com/app'],
      ['ALLOWED_ORIGINS', ' , '],
      ['TRUST_PROXY', 'yes'],
      ['TRUST_PROXY', '10.0.0.0/99'],
    ];
    for (const [name, value] of invalid) {
      it(`${name}=${JSON.stringify(value)}`, () => {
        const message = errorFor({ [name]: value });
        expect(message).toContain(name);
        expect(message).not.toContain('\n');
      });
    }
  });

  it('WS_BYTES_BURST below MAX_MESSAGE_BYTES is refused: a message of the largest accepted size would close its socket', () => {
    expect(errorFor({ WS_BYTES_BURST: String(8 * MiB) })).toMatch(/WS_BYTES_BURST.*MAX_MESSAGE_BYTES/);
    expect(load({ WS_BYTES_BURST: String(8 * MiB), MAX_MESSAGE_BYTES: String(8 * MiB) }).limits.connection.bytesBurst).toBe(8 * MiB);
  });
});
