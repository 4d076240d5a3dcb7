import { afterEach, expect, it } from 'vitest';
import { closedAfterEach } from './support/closed-after-each.js';
import { typeTokensWhile } from './support/fault-typing.js';
import { describeWithPostgres } from './support/postgres.js';
import { startPrivatePostgres } from './support/private-postgres.js';
import { processClustersClosedAfterEach } from './support/process-cluster.js';
import { everyInstanceReady, expectNothingLost, PHASE_KEYSTROKES, roomWithUserOnEach } from './support/process-cluster-typing.js';
import { runSeed } from './support/random.js';

/**
 * Three instances as separate processes share one PostgreSQL database while three users type, one
 * on each: the database restarted, and instances compacting the same room at once. The clients
 * converge on every edit and the database holds exactly that text.
 */

await describeWithPostgres('three instances as processes, storage faults', () => {
  const startCluster = processClustersClosedAfterEach();
  const opened = closedAfterEach();
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('PostgreSQL stopped while users type and started again: edits are kept and stored once it is back', { timeout: 90_000 }, async () => {
    const pg = await startPrivatePostgres();
    cleanups.push(() => pg.destroy());
    const cluster = await startCluster(3, { databaseUrl: pg.url });
    const { roomId, clients } = await roomWithUserOnEach(cluster, opened.clients);
    let stoppedAt: number | null = null;
    let startedAt: number | null = null;
    const ledger = await typeTokensWhile(clients, runSeed(), async ({ keystrokes }) => {
      if (stoppedAt === null && keystrokes >= PHASE_KEYSTROKES) {
        await pg.stop();
        stoppedAt = keystrokes;
      } else if (stoppedAt !== null && startedAt === null && keystrokes >= stoppedAt + PHASE_KEYSTROKES) {
        await pg.start();
        startedAt = keystrokes;
      }
      return startedAt === null || keystrokes < startedAt + PHASE_KEYSTROKES;
    });
    await expectNothingLost(cluster, roomId, clients, ledger);
    await everyInstanceReady(cluster);
  });

  it('instances compacting one room at once: nothing lost or doubled', { timeout: 90_000 }, async () => {
    // Every instance compacts after three stored entries of its own, and logs each compaction (debug).
    const cluster = await startCluster(3, { env: () => ({ COMPACTION_THRESHOLD: '3', FLUSH_WINDOW_MS: '20', LOG_LEVEL: 'debug' }) });
    const { roomId, clients } = await roomWithUserOnEach(cluster, opened.clients);
    const compactions = () => cluster.instances.map((on) => compactionsIn(on.process.output()));
    let overlapping = false;
    const ledger = await typeTokensWhile(clients, runSeed(), async ({ keystrokes }) => {
      if (keystrokes % 20 === 0) overlapping = anyOverlapAcross(compactions());
      // Bounded: ~30 s of typing at most, then the expectation below fails.
      return keystrokes < 1_500 && !(overlapping && keystrokes >= 3 * PHASE_KEYSTROKES);
    });
    console.info(`[compaction] ${ledger.inserted.size} edits; compactions per instance: ${compactions().map((list) => list.length)}`);
    expect(overlapping, 'two instances compacting the room at the same time').toBe(true);
    await expectNothingLost(cluster, roomId, clients, ledger);
  });
});

interface Compaction {
  startedAt: number;
  endedAt: number;
}

/** Each compaction an instance logged ('compacted room', debug), from when it started to when it ended. */
function compactionsIn(output: string): Compaction[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{') && line.endsWith('}') && line.includes('"msg":"compacted room"'))
    .map((line) => {
      const { time, ms } = JSON.parse(line) as { time: number; ms: number };
      return { startedAt: time - ms, endedAt: time };
    });
}

function anyOverlapAcross(perInstance: readonly Compaction[][]): boolean {
  return perInstance.some((mine, i) =>
    perInstance.some((theirs, j) => j > i && mine.some((a) => theirs.some((b) => a.startedAt < b.endedAt && b.startedAt < a.endedAt))),
  );
}
