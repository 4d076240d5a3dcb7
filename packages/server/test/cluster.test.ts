import { afterEach, expect, it } from 'vitest';
import { CLOSE_CODES, type CreatedRoom } from '@pairwise/protocol';
import { type SignedIn, signUp } from './support/accounts.js';
import { connectClient, type TestClient, waitFor } from './support/clients.js';
import { startTestCluster, type TestCluster } from './support/cluster.js';
import { api, roomCode } from './support/http-api.js';
import { describeWithPostgres } from './support/postgres.js';
import { closeOf, closeRawSockets, type RawClient, rawClient } from './support/raw-socket.js';
import { runSeed, seededRandom } from './support/random.js';
import type { TestServer } from './support/test-server.js';
import { assertHoldsExactly, editRandomly } from './support/token-editing.js';

/**
 * Several instances serve one room over the real Redis room bus and one PostgreSQL database:
 * edits, presence, deletions, access changes and sign-outs made on one reach the others' sockets.
 */

await describeWithPostgres('several instances serve one room', () => {
  let cluster: TestCluster | undefined;
  const clients: TestClient[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    closeRawSockets();
    await cluster?.close();
    cluster = undefined;
  });

  const client = (s: TestServer, roomId: string, params: Record<string, string> = {}): TestClient => {
    const c = connectClient(s.wsUrl, roomId, { params });
    clients.push(c);
    return c;
  };
  const socket = (s: TestServer, roomId: string, params: Record<string, string>): RawClient =>
    rawClient(`${s.wsUrl}/${roomId}?${new URLSearchParams(params).toString()}`);
  /** Waits until `s` holds the socket in the room, so an event published now must reach it. */
  const joinedOn = (s: TestServer, roomId: string, count: number): Promise<void> =>
    waitFor(() => s.server.registry.loaded(roomId)?.connectionCount === count, `${count} socket(s) joined`);
  const closedWithin = async (raw: RawClient, code: number, label: string, ms: number): Promise<void> => {
    const started = Date.now();
    expect((await closeOf(raw, label)).code).toBe(code);
    expect(Date.now() - started).toBeLessThan(ms);
  };

  it('clients on three instances converge under randomized concurrent edits, and storage holds the result', async () => {
    const seed = runSeed();
    const random = seededRandom(seed);
    console.info(`cluster convergence seed ${seed} (replay with PAIRWISE_SEED=${seed})`);
    cluster = await startTestCluster(3);
    const { instances } = cluster;
    const roomId = await instances[0]!.createRoom({ language: 'plaintext' });
    const editors = Array.from({ length: 6 }, (_, i) => client(instances[i % 3]!, roomId));
    await Promise.all(editors.map((c) => c.synced()));

    const ledger = await editRandomly(editors, 300, random);

    const views = () =>
      new Set([...editors.map((c) => c.text.toString()), ...instances.map((s) => s.server.registry.loaded(roomId)?.text.toString())]);
    await waitFor(() => views().size === 1, 'clients and instances converge', 20_000);
    const converged = editors[0]!.text.toString();
    assertHoldsExactly(converged, ledger.expected());

    // Each instance stored what its own clients sent; together they make the whole document.
    await Promise.all(instances.map((s) => s.server.commits.flush()));
    const reader = await cluster.add();
    expect(await roomCode(reader, roomId)).toBe(converged);
  });

  it("A's user's presence shows on B and is removed when A's client leaves", async () => {
    cluster = await startTestCluster(2);
    const [a, b] = cluster.instances as [TestServer, TestServer];
    const roomId = await a.createRoom();
    const onA = client(a, roomId, { name: 'Ada' });
    const onB = client(b, roomId, { name: 'Bob' });
    await Promise.all([onA.synced(), onB.synced()]);
    onA.provider.awareness.setLocalStateField('cursor', { anchor: 1 });
    const seenOnB = () =>
      [...onB.provider.awareness.getStates().values()].some((state) => (state as { user?: { name?: string } }).user?.name === 'Ada');
    await waitFor(seenOnB, "A's user shows on B");
    expect(
      b.server.registry
        .loaded(roomId)
        ?.presence()
        .map((u) => u.name),
    ).toContain('Ada');

    onA.destroy();
    await waitFor(() => !seenOnB(), "A's user is gone from B after A's client left", 3_000);
  });

  it('a room loaded cold on B shows the people already on A at once', async () => {
    cluster = await startTestCluster(2);
    const [a, b] = cluster.instances as [TestServer, TestServer];
    const roomId = await a.createRoom();
    const onA = client(a, roomId, { name: 'Ada' });
    await onA.synced();
    onA.provider.awareness.setLocalStateField('cursor', { anchor: 1 });
    await waitFor(() => a.server.registry.loaded(roomId)?.presence().length === 1, 'A shows Ada');
    expect(b.server.registry.loaded(roomId)).toBeUndefined();

    const onB = client(b, roomId, { name: 'Bob' });
    await onB.synced();
    const names = () => [...onB.provider.awareness.getStates().values()].map((state) => (state as { user?: { name?: string } }).user?.name);
    // Well before Ada's client renews its state (every 15 s).
    await waitFor(() => names().includes('Ada'), "B's client sees Ada", 2_000);
  });

  it('a room loaded cold on B gets the edits A has not stored yet', async () => {
    // A keeps its edits unstored for a minute; only the bus can bring them to B.
    cluster = await startTestCluster(2, (i) => (i === 0 ? { flushWindowMs: 60_000 } : {}));
    const [a, b] = cluster.instances as [TestServer, TestServer];
    const roomId = await a.createRoom({ language: 'plaintext' });
    const onA = client(a, roomId);
    await onA.synced();
    onA.text.insert(0, 'unstored on A');
    await waitFor(() => a.server.registry.loaded(roomId)?.text.toString().includes('unstored on A') === true, 'A has the edit');
    expect(await roomCode(b, roomId)).not.toContain('unstored on A');

    const onB = client(b, roomId);
    await onB.synced();
    await waitFor(() => onB.text.toString().includes('unstored on A'), "B's client sees A's unstored edit", 2_000);
  });

  it("deleting a room on A closes B's sockets with 4404; the room created again does not get the old edits", async () => {
    cluster = await startTestCluster(2);
    const [a, b] = cluster.instances as [TestServer, TestServer];
    const roomId = await a.createRoom({ id: 'reused-on-b', language: 'plaintext' });
    const writer = client(b, roomId);
    await writer.synced();
    writer.text.insert(0, 'old edit');
    await waitFor(async () => (await roomCode(a, roomId)).includes('old edit'), 'A serves the old edit');
    const onB = socket(b, roomId, {});
    await onB.opened;
    await joinedOn(b, roomId, 2);
    const deleted = await api(a, 'DELETE', `/api/rooms/${roomId}`, undefined, a.asOwner(roomId));
    expect(deleted.status).toBe(204);
    await closedWithin(onB, CLOSE_CODES.roomNotFound, 'socket on B', 2_000);
    await waitFor(() => b.server.registry.loaded(roomId) === undefined, 'B dropped its copy');

    // The old tab on B reconnects with its content; the new room under the id must not take it.
    await a.createRoom({ id: roomId, language: 'plaintext' });
    const fresh = client(b, roomId);
    await fresh.synced();
    await new Promise((r) => setTimeout(r, 500));
    expect(fresh.text.toString()).not.toContain('old edit');
    expect(await roomCode(a, roomId)).not.toContain('old edit');
    expect(b.server.registry.loaded(roomId)?.connectionCount).toBeGreaterThanOrEqual(1);
  });

  it('a role change on A reaches a socket on B within a second; a logout on A closes a socket on B with 4401', async () => {
    cluster = await startTestCluster(2);
    const [a, b] = cluster.instances as [TestServer, TestServer];
    const ada: SignedIn = await signUp(a, 'ada');
    const grace: SignedIn = await signUp(a, 'grace');
    const room = (await api(a, 'POST', '/api/rooms', { visibility: 'private' }, ada.bearer)).body as CreatedRoom;
    await api(a, 'PUT', `/api/rooms/${room.id}/members/grace`, { role: 'editor' }, ada.bearer);

    const member = socket(b, room.id, { token: grace.token });
    const owner = socket(b, room.id, { token: ada.token });
    await Promise.all([member.opened, owner.opened]);
    await joinedOn(b, room.id, 2);
    await api(a, 'PUT', `/api/rooms/${room.id}/members/grace`, { role: 'viewer' }, ada.bearer);
    await closedWithin(member, CLOSE_CODES.roleChanged, 'demoted member on B', 1_000);

    await api(a, 'POST', '/api/auth/logout', undefined, ada.bearer);
    await closedWithin(owner, CLOSE_CODES.sessionEnded, 'signed-out owner on B', 1_000);
  });
});
