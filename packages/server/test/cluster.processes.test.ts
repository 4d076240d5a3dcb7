import { expect, it } from 'vitest';
import { CLOSE_CODES } from '@pairwise/protocol';
import { closedAfterEach } from './support/closed-after-each.js';
import { connectClient, type TestClient, waitFor } from './support/clients.js';
import { convergedText, typeTokensWhile } from './support/fault-typing.js';
import { api, roomCode } from './support/http-api.js';
import { describeWithPostgres } from './support/postgres.js';
import { type ClusterInstance, processClustersClosedAfterEach } from './support/process-cluster.js';
import { runSeed } from './support/random.js';
import { assertHoldsExactly, tokensOf } from './support/token-editing.js';
import { recordCloses } from './support/typist.js';
import { within } from './support/within.js';

/**
 * Three instances as separate processes on real PostgreSQL and a Redis of their own: an instance
 * loading a room late, one killed with SIGKILL while its users type, and a room deleted on one.
 * Faults of Redis and of storage are in cluster.processes.redis.test.ts and cluster.processes.storage.test.ts.
 */

/** CLUSTER_PEER_STORE_MS: a peer stores another instance's edits that instance has not confirmed storing after this long. */
const PEER_STORE_MS = '1000';

await describeWithPostgres('three instances as processes', () => {
  const startCluster = processClustersClosedAfterEach();
  const opened = closedAfterEach();
  const client = (on: ClusterInstance, roomId: string, params: Record<string, string> = {}): TestClient => {
    const c = connectClient(on.wsUrl, roomId, { params });
    opened.clients.push(c);
    return c;
  };

  it('a client of an instance loading the room cold sees at once the edits another instance has not stored yet', {
    timeout: 90_000,
  }, async () => {
    // The warm instance keeps its edits unstored for 5 s: only the bus can bring them to the others.
    const cluster = await startCluster(3, { env: (i): Record<string, string> => (i === 0 ? { FLUSH_WINDOW_MS: '5000' } : {}) });
    const [warm, ...cold] = cluster.instances as [ClusterInstance, ClusterInstance, ClusterInstance];
    const roomId = await cluster.createRoom(warm, { language: 'plaintext' });
    const typist = client(warm, roomId);
    await typist.synced();
    for (let i = 0; i < 20; i++) typist.text.insert(typist.text.length, `[c0-${i}]`);
    const typed = typist.text.toString();
    await waitFor(async () => (await roomCode(warm, roomId)) === typed, 'the warm instance holds the edits');
    expect(tokensOf(await cluster.storedText(roomId)), 'edits stored already: the test proves nothing').toEqual([]);

    const startedAt = Date.now();
    const readers = cold.map((on) => client(on, roomId));
    await within(
      Promise.all(readers.map((reader) => waitFor(() => reader.text.toString() === typed, 'a cold client sees the edits', 30_000))),
      3_000,
      "clients of the cold instances see the warm instance's unstored edits",
    );
    console.info(`[cold load] unstored edits reached clients of both cold instances in ${Date.now() - startedAt} ms`);
  });

  it('kill -9 of an instance while its users type: they reconnect to another, and every edit survives in clients and storage', {
    timeout: 90_000,
  }, async () => {
    // The victim stores nothing for 10 s, so what it accepted before the kill is held only in memory:
    // by its peers (relayed over Redis) and its clients.
    const cluster = await startCluster(3, {
      env: (i) => ({ CLUSTER_PEER_STORE_MS: PEER_STORE_MS, FLUSH_WINDOW_MS: i === 0 ? '10000' : '50' }),
    });
    const [victim, b, c] = cluster.instances as [ClusterInstance, ClusterInstance, ClusterInstance];
    const roomId = await cluster.createRoom(b, { language: 'plaintext' });
    // Typists first (typeTokensWhile types with the first three): token [c0-…] is the victim's user's.
    const clients = [client(victim, roomId), client(b, roomId), client(c, roomId), client(victim, roomId)];
    const [onVictim, onB, onC] = clients as [TestClient, TestClient, TestClient, TestClient];
    await Promise.all(clients.map((x) => x.synced()));

    const victimTokens = () => tokensOf(onVictim.text.toString()).filter((t) => t.startsWith('[c0-'));
    let killedAt: number | null = null;
    let relayedUnstored = 0;
    const ledger = await typeTokensWhile(clients, runSeed(), async ({ keystrokes }) => {
      if (killedAt === null && keystrokes >= 60) {
        // Every edit the victim accepted has reached both peers; it has stored none of them.
        await waitFor(
          () => victimTokens().every((t) => onB.text.toString().includes(t) && onC.text.toString().includes(t)),
          'peers hold the victim’s edits',
        );
        await cluster.kill(victim);
        cluster.failOver(victim, b);
        const stored = new Set(tokensOf(await cluster.storedText(roomId)));
        relayedUnstored = victimTokens().filter((t) => !stored.has(t)).length;
        killedAt = keystrokes;
      }
      // Users keep typing while the victim's users reconnect to B.
      return killedAt === null || keystrokes < killedAt + 60;
    });
    expect(relayedUnstored, 'edits the victim accepted, relayed and did not store: none and the test proves nothing').toBeGreaterThan(0);

    const text = await convergedText(clients);
    assertHoldsExactly(text, ledger.expected());

    // Storage must hold every edit, whoever accepted it: clients gone, every instance stopped cleanly,
    // then a fresh instance loads the room cold from the database alone.
    for (const x of opened.clients.splice(0)) x.destroy();
    expect(await cluster.stop(b)).toBe(0);
    expect(await cluster.stop(c)).toBe(0);
    const fresh = await cluster.add();
    console.info(`[kill -9] ${ledger.inserted.size} edits, ${relayedUnstored} of the victim's relayed but unstored at the kill`);
    assertHoldsExactly(await roomCode(fresh, roomId), ledger.expected());
  });

  it("presence of a killed instance's users disappears from the others within the awareness timeout", { timeout: 90_000 }, async () => {
    const cluster = await startCluster(2);
    const [victim, survivor] = cluster.instances as [ClusterInstance, ClusterInstance];
    const roomId = await cluster.createRoom(survivor, { language: 'plaintext' });
    const ada = client(victim, roomId, { name: 'Ada' });
    const bob = client(survivor, roomId, { name: 'Bob' });
    await Promise.all([ada.synced(), bob.synced()]);
    ada.provider.awareness.setLocalStateField('cursor', { anchor: 0, head: 0 });
    const names = (c: TestClient): string[] =>
      [...c.provider.awareness.getStates().values()].map((state) => (state as { user?: { name?: string } }).user?.name ?? '');
    const activeOnSurvivor = async (): Promise<string[]> => {
      const response = await api(survivor, 'GET', `/api/rooms/${roomId}`);
      if (response.status !== 200) throw new Error(`GET room: ${response.status} ${JSON.stringify(response.body)}`);
      return (response.body as { activeUsers: { name: string }[] }).activeUsers.map((user) => user.name);
    };
    await waitFor(() => names(bob).includes('Ada'), "Ada's cursor shows on the survivor");
    expect(await activeOnSurvivor()).toContain('Ada');

    // Ada's tab keeps trying the dead instance (no fail-over here), so nothing renews her state.
    const killedAt = Date.now();
    await cluster.kill(victim);
    // y-protocols drops a state not renewed for 30 s, checking every 3 s.
    // Polled twice a second: the API's per-address rate limit counts these requests too.
    await waitFor(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 500));
        return !(await activeOnSurvivor()).includes('Ada');
      },
      "the survivor drops Ada's presence",
      40_000,
    );
    await waitFor(() => !names(bob).includes('Ada'), "Bob's tab no longer shows Ada", 10_000);
    expect(Date.now() - killedAt).toBeLessThan(40_000);
    // Only Bob's own state is left (his tab does not stamp its own name: the server does that for others).
    expect([...bob.provider.awareness.getStates().keys()]).toEqual([bob.provider.awareness.clientID]);
    console.info(`[kill -9] the dead instance's user left the survivor's presence ${Date.now() - killedAt} ms after the kill`);
  });

  it('a room deleted on one instance is gone on all: 4404 everywhere, reconnects refused, re-created id holds no old content', {
    timeout: 90_000,
  }, async () => {
    const cluster = await startCluster(3);
    const { instances } = cluster;
    const roomId = await cluster.createRoom(instances[0]!, { id: 'deleted-everywhere', language: 'plaintext' });
    const oldTabs = instances.map((on) => client(on, roomId));
    await Promise.all(oldTabs.map((tab) => tab.synced()));
    oldTabs[1]!.text.insert(0, 'OLD CONTENT');
    await waitFor(() => oldTabs.every((tab) => tab.text.toString().includes('OLD CONTENT')), 'every instance relays the old content');
    await waitFor(async () => (await cluster.storedText(roomId)).includes('OLD CONTENT'), 'old content stored');

    const closes = oldTabs.map((tab) => recordCloses(tab));
    const closedWith = (i: number, code: number): number => closes[i]!.codes.filter((c) => c === code).length;
    expect((await api(instances[0]!, 'DELETE', `/api/rooms/${roomId}`, undefined, cluster.asOwner(roomId))).status).toBe(204);
    await waitFor(() => oldTabs.every((_, i) => closedWith(i, CLOSE_CODES.roomNotFound) === 1), 'every old tab closed with 4404', 10_000);
    // A tab reconnecting anyway (y-websocket stops on 44xx; a user reloading does not) is refused.
    const reconnectAll = async (code: number, label: string): Promise<void> => {
      const before = oldTabs.map((_, i) => closedWith(i, code));
      for (const tab of oldTabs) tab.provider.connect();
      await waitFor(() => oldTabs.every((_, i) => closedWith(i, code) > before[i]!), label, 10_000);
    };
    await reconnectAll(CLOSE_CODES.forbidden, 'every reconnect refused: no such room (4403)');

    // Re-created on another instance; the old tabs still hold the old content and must not push it in.
    await cluster.createRoom(instances[2]!, { id: roomId, language: 'plaintext' });
    await reconnectAll(CLOSE_CODES.roomNotFound, 'old tabs refused by the re-created room on every instance (4404)');
    const newTabs = instances.map((on) => client(on, roomId));
    await Promise.all(newTabs.map((tab) => tab.synced()));
    for (const tab of newTabs) expect(tab.text.toString()).not.toContain('OLD CONTENT');
    for (const on of instances) expect(await roomCode(on, roomId)).not.toContain('OLD CONTENT');
    expect(await cluster.storedText(roomId)).not.toContain('OLD CONTENT');
    for (const c of closes) c.stop();
  });
});
