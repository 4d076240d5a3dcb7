#!/usr/bin/env node
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import {
  installedPriorsDir,
  LocalCompletionProvider,
  OpenAiCompletionProvider,
  PriorStore,
  type CompletionProvider,
} from './completion/index.js';
import type { RoomBus } from './cluster/room-bus.js';
import { ConfigError, loadConfig, type CompletionConfig, type Config } from './config.js';
import { createLogger } from './logging.js';
import { BubblewrapSandbox } from './runs/sandbox/bubblewrap-sandbox.js';
import type { RunnerConfig } from './runs/sandbox/sandbox-config.js';
import { createPairwiseServer, type PairwiseServerOptions } from './server.js';
import { SqliteWorkerStore } from './storage/sqlite-worker-store.js';
import type { Store } from './storage/store.js';
import { tuneV8ForServing } from './v8-tuning.js';

/** The composition root: reads configuration once, opens the store, serves, and shuts down cleanly. */
async function main(): Promise<void> {
  tuneV8ForServing();
  const packageDir = fileURLToPath(new URL('..', import.meta.url));
  let config: Config;
  try {
    config = loadConfig(process.env, process.cwd(), join(packageDir, '..', 'web', 'dist'));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`pairwise: ${err.message}\n`);
    process.exit(1);
  }
  const log = createLogger(config.logLevel);
  const store = await openStore(config, log);
  const codeSandbox = await codeSandboxFor(config.runner);
  const priors = new PriorStore(installedPriorsDir(), ({ language, err }) =>
    log.error({ err, language }, 'loading the learned completion prior failed; answering without it'),
  );
  const server = await createPairwiseServer({
    ...config,
    store,
    log,
    completionProvider: completionProviderFor(config.completion, priors),
    autocompleteRequestsPerMinute: config.completion.requestsPerMinute,
    codeSandbox,
    ...(config.redisUrl ? { bus: await openRedisBus(config.redisUrl, log) } : {}),
  });
  const address = await server.listen(config.port, config.host);
  log.info(
    {
      storage: config.databaseUrl ? 'postgresql' : `sqlite (${config.dataDir})`,
      roomBus: config.redisUrl ? 'redis' : 'none (single instance)',
      completion: config.completion.provider === 'openai' ? `openai (${config.completion.baseUrl})` : 'local',
      runner: config.runner.kind === 'sandbox' ? `sandbox (bubblewrap, ${config.runner.slots} at once)` : 'browser only',
      roomRetention: config.roomRetentionDays === null ? 'off (rooms are kept)' : `${config.roomRetentionDays} days without opening`,
    },
    `Pairwise listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${address.port}`,
  );

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: not ready, closing sockets (1012), storing every accepted edit');
    let exitCode = 0;
    try {
      await server.close();
      log.info('shut down cleanly');
    } catch (err) {
      // UnstoredEditsError has already logged each room whose edits could not be stored.
      log.fatal({ err }, 'shutdown failed');
      exitCode = 1;
    }
    await store.close().catch((err: unknown) => log.error({ err }, 'closing the store failed'));
    await priors.close();
    // The server stopped every sandbox as it closed; this removes their cgroups.
    await codeSandbox?.sandbox.close().catch((err: unknown) => log.error({ err }, 'closing the sandbox failed'));
    process.exit(exitCode);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** `local` keeps code on this machine; only `openai` sends it anywhere, and only to the configured endpoint. */
function completionProviderFor(config: CompletionConfig, priors: PriorStore): CompletionProvider {
  const local = new LocalCompletionProvider(priors);
  if (config.provider === 'local') return local;
  return new OpenAiCompletionProvider({
    baseUrl: config.baseUrl,
    ...(config.apiKey ? { apiKey: config.apiKey } : {}),
    model: config.model,
    timeoutMs: config.timeoutMs,
    fallback: local,
  });
}

/** RUNNER=sandbox: bubblewrap, checked at start (tools, root, cgroups) so a broken setup fails loudly now. */
async function codeSandboxFor(runner: RunnerConfig): Promise<PairwiseServerOptions['codeSandbox']> {
  if (runner.kind === 'browser') return null;
  return { sandbox: await BubblewrapSandbox.create({ rootDir: runner.dir }), limits: runner.limits, slots: runner.slots };
}

/*
 * PostgreSQL and Redis are loaded only when configured. Imported up front, pg and ioredis (and their
 * store and bus) cost an idle server on SQLite 13 MB of RSS (142-146 MB against 129-133) and 2-3 MB
 * of heap (issue 9).
 */
async function openStore(config: Config, log: Logger): Promise<Store> {
  if (!config.databaseUrl) return SqliteWorkerStore.open(join(config.dataDir, 'pairwise.sqlite'));
  const { PostgresRoomStore } = await import('./storage/postgres-store.js');
  return PostgresRoomStore.open(config.databaseUrl, { onError: (err) => log.error({ err }, 'idle PostgreSQL connection failed') });
}

async function openRedisBus(url: string, log: Logger): Promise<RoomBus> {
  const { RedisRoomBus } = await import('./cluster/redis-room-bus.js');
  return new RedisRoomBus({ url, onError: (err, roomId) => log.warn({ err, roomId }, 'room bus') });
}

main().catch((err: unknown) => {
  process.stderr.write(`pairwise: failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
