import { expect, it } from 'vitest';
import { closedAfterEach } from './support/closed-after-each.js';
import { typeTokensWhile } from './support/fault-typing.js';
import { describeWithPostgres } from './support/postgres.js';
import { processClustersClosedAfterEach } from './support/process-cluster.js';
import { everyInstanceReady, expectNothingLost, PHASE_KEYSTROKES, roomWithUserOnEach } from './support/process-cluster-typing.js';
import { runSeed } from './support/random.js';

/**
 * Three instances as separate processes lose their Redis (a private redis-server) while three users
 * type, one on each: the clients converge on every edit and the database holds exactly that text.
 */

await describeWithPostgres('three instances as processes, Redis faults', () => {
  const startCluster = processClustersClosedAfterEach();
  const opened = closedAfterEach();

  it('Redis stopped while users type and started again empty: instances reconnect and resync, nothing is lost', {
    timeout: 90_000,
  }, async () => {
    const cluster = await startCluster(3);
    const { roomId, clients } = await roomWithUserOnEach(cluster, opened.clients);
    let stoppedAt: number | null = null;
    let startedAt: number | null = null;
    const ledger = await typeTokensWhile(clients, runSeed(), async ({ keystrokes }) => {
      if (stoppedAt === null && keystrokes >= PHASE_KEYSTROKES) {
        await cluster.redis.stop();
        stoppedAt = keystrokes;
      } else if (stoppedAt !== null && startedAt === null && keystrokes >= stoppedAt + PHASE_KEYSTROKES) {
        await cluster.redis.start();
        startedAt = keystrokes;
      }
      return startedAt === null || keystrokes < startedAt + PHASE_KEYSTROKES;
    });
    await expectNothingLost(cluster, roomId, clients, ledger);
    await everyInstanceReady(cluster);
  });

  it("Redis cuts every instance's connections three times while users type: nothing is lost", { timeout: 90_000 }, async () => {
    const cluster = await startCluster(3);
    const { roomId, clients } = await roomWithUserOnEach(cluster, opened.clients);
    let cuts = 0;
    let killed = 0;
    const ledger = await typeTokensWhile(clients, runSeed(), async ({ keystrokes }) => {
      if (cuts < 3 && keystrokes >= (cuts + 1) * PHASE_KEYSTROKES) {
        // The test's own admin connection is spared (SKIPME yes is the default).
        killed += Number(await cluster.redis.admin.client('KILL', 'TYPE', 'normal'));
        killed += Number(await cluster.redis.admin.client('KILL', 'TYPE', 'pubsub'));
        cuts++;
      }
      return keystrokes < (cuts + 1) * PHASE_KEYSTROKES;
    });
    expect(killed, 'Redis connections cut').toBeGreaterThanOrEqual(3 * cluster.instances.length);
    await expectNothingLost(cluster, roomId, clients, ledger);
    await everyInstanceReady(cluster);
  });
});
