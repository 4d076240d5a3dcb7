import { afterEach, expect, it } from 'vitest';
import type { VersionDetails, VersionList, VersionSummary } from '@pairwise/protocol';
import { signUp } from './support/accounts.js';
import { connectClient, type TestClient, waitFor } from './support/clients.js';
import { api, apiError, roomCode } from './support/http-api.js';
import { describeEachStore } from './support/store-kinds.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/** Versions: named ones, restoring one while others type, who may see history, and restarts. */

await describeEachStore('history versions', (openStore) => {
  let s: TestServer;
  const clients: TestClient[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await s?.close();
  });

  const join = async (roomId: string, name: string, params: Record<string, string> = {}): Promise<TestClient> => {
    const client = connectClient(s.wsUrl, roomId, { params: { name, ...params } });
    clients.push(client);
    await client.synced();
    return client;
  };

  async function nameVersion(roomId: string, name: string): Promise<VersionSummary> {
    const response = await api(s, 'POST', `/api/rooms/${roomId}/versions`, { name }, s.asOwner(roomId));
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body as VersionSummary;
  }

  it('names the code as it is, with who changed it since the last version, and reads it back', async () => {
    s = await startTestServer({ store: await openStore() });
    const roomId = await s.createRoom({ language: 'python' });
    const ada = await join(roomId, 'Ada');
    ada.text.delete(0, ada.text.length);
    ada.text.insert(0, 'print(1)\n');
    const first = await nameVersion(roomId, '  before refactor ');
    expect(first).toMatchObject({ name: 'before refactor', auto: false, authors: [{ name: 'Ada' }] });
    const grace = await join(roomId, 'Grace');
    grace.text.insert(grace.text.length, 'print(2)\n');
    const second = await nameVersion(roomId, 'after');
    expect(second.authors.map((a) => a.name)).toEqual(['Grace']);
    expect(second.seq).toBeGreaterThan(first.seq);

    const list = (await api(s, 'GET', `/api/rooms/${roomId}/versions`, undefined, s.asOwner(roomId))).body as VersionList;
    expect(list.versions.map((v) => v.name)).toEqual(['after', 'before refactor']);
    const read = (await api(s, 'GET', `/api/rooms/${roomId}/versions/${first.id}`, undefined, s.asOwner(roomId))).body as VersionDetails;
    expect(read).toMatchObject({ ...first, code: 'print(1)\n' });
    expect(apiError(await api(s, 'POST', `/api/rooms/${roomId}/versions`, { name: ' ' }, s.asOwner(roomId)), 400).code).toBe(
      'invalid_request',
    );
    const missing = await api(s, 'GET', `/api/rooms/${roomId}/versions/00000000-0000-4000-8000-000000000000`, undefined, s.asOwner(roomId));
    expect(apiError(missing, 404).code).toBe('version_not_found');
    expect(apiError(await api(s, 'GET', `/api/rooms/${roomId}/versions/nope`, undefined, s.asOwner(roomId)), 400).code).toBe(
      'invalid_request',
    );
  });

  it('restores a version as one edit on top while two others type: everyone converges, their new typing is kept', async () => {
    s = await startTestServer({ store: await openStore() });
    const roomId = await s.createRoom({ language: 'python' });
    const [ada, grace, observer] = [await join(roomId, 'Ada'), await join(roomId, 'Grace'), await join(roomId, 'Observer')] as TestClient[];
    ada!.text.delete(0, ada!.text.length);
    ada!.text.insert(0, 'def f():\n    return 1\n');
    const version = await nameVersion(roomId, 'good');
    ada!.text.insert(ada!.text.length, 'broken = (\n');
    await waitFor(() => grace!.text.toString().includes('broken'), 'grace sees the breakage');

    // Both keep typing, each at the start of their own line, while the restore happens.
    grace!.text.insert(0, '# grace\n');
    const typed = { ada: [] as string[], grace: [] as string[] };
    const restored = api(s, 'POST', `/api/rooms/${roomId}/versions/${version.id}/restore`, {}, s.asOwner(roomId));
    for (let i = 0; i < 20; i++) {
      const token = `a${i};`;
      ada!.text.insert(0, token);
      typed.ada.push(token);
      const gToken = `g${i};`;
      const at = grace!.text.toString().indexOf('# grace');
      grace!.text.insert(at === -1 ? 0 : at, gToken);
      typed.grace.push(gToken);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const response = await restored;
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const all = [ada!, grace!, observer!];
    await waitFor(() => all.every((c) => c.text.toString() === ada!.text.toString()), 'everyone converges');
    const final = ada!.text.toString();
    expect(final).not.toContain('broken');
    expect(final).toContain('def f():\n    return 1\n');
    for (const token of [...typed.ada, ...typed.grace]) expect(final.split(token).length - 1).toBeLessThanOrEqual(1);
    // Typing after the restore arrived is never lost, and the history keeps going.
    ada!.text.insert(0, 'after-a;');
    grace!.text.insert(grace!.text.length, 'after-g;');
    await waitFor(async () => {
      const code = await roomCode(s, roomId);
      return code.includes('after-a;') && code.includes('after-g;');
    }, 'typing after the restore is stored and served');
    await waitFor(() => all.every((c) => c.text.toString() === ada!.text.toString()), 'everyone converges again');
  });

  it('takes an automatic version after a pause in typing, naming who typed, and only one for one pause', async () => {
    const history = { autoVersions: { pauseMs: 300, everyMs: 60_000 }, retention: { keepAllMs: 86_400_000, minutePointsMs: 86_400_000 } };
    s = await startTestServer({ store: await openStore(), history });
    const roomId = await s.createRoom({ language: 'python' });
    const ada = await join(roomId, 'Ada');
    ada.text.insert(0, '# typed\n');
    const versions = async () =>
      ((await api(s, 'GET', `/api/rooms/${roomId}/versions`, undefined, s.asOwner(roomId))).body as VersionList).versions;
    await waitFor(async () => (await versions()).length === 1, 'an automatic version after the pause');
    const [auto] = await versions();
    expect(auto).toMatchObject({ auto: true, name: 'After a pause', authors: [{ name: 'Ada' }] });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await versions()).toHaveLength(1);
  });

  it('history is for editors and owners: viewers get 403, outsiders 404', async () => {
    s = await startTestServer({ store: await openStore() });
    const owner = await signUp(s, 'owner');
    const created = (await api(s, 'POST', '/api/rooms', { visibility: 'public-view' }, owner.bearer)).body as { id: string };
    const viewer = await api(s, 'GET', `/api/rooms/${created.id}/timeline`);
    expect(apiError(viewer, 403).code).toBe('forbidden');
    expect(apiError(await api(s, 'POST', `/api/rooms/${created.id}/versions`, { name: 'x' }), 403).code).toBe('forbidden');
    const privateRoom = (await api(s, 'POST', '/api/rooms', { visibility: 'private' }, owner.bearer)).body as { id: string };
    expect(apiError(await api(s, 'GET', `/api/rooms/${privateRoom.id}/versions`), 404).code).toBe('room_not_found');
    expect((await api(s, 'GET', `/api/rooms/${created.id}/versions`, undefined, owner.bearer)).status).toBe(200);
    expect(apiError(await api(s, 'GET', `/api/rooms/${created.id}/timeline/0`, undefined, owner.bearer), 400).code).toBe('invalid_request');
    expect(apiError(await api(s, 'GET', `/api/rooms/${created.id}/timeline/999999`, undefined, owner.bearer), 404).code).toBe(
      'point_not_found',
    );
  });

  it('versions survive a restart, and a room created again under the same id has none of the old ones', async () => {
    s = await startTestServer({ store: await openStore() });
    const roomId = await s.createRoom({ id: 'kept-room', language: 'python' });
    const version = await nameVersion(roomId, 'kept');
    const ownerHeaders = s.asOwner(roomId);
    await s.close();
    s = await startTestServer({ store: await openStore.sameDatabase() });
    const read = await api(s, 'GET', `/api/rooms/${roomId}/versions/${version.id}`, undefined, ownerHeaders);
    expect(read.status).toBe(200);
    expect((await api(s, 'DELETE', `/api/rooms/${roomId}`, undefined, ownerHeaders)).status).toBe(204);
    await s.createRoom({ id: 'kept-room', language: 'python' });
    const list = (await api(s, 'GET', `/api/rooms/${roomId}/versions`, undefined, s.asOwner(roomId))).body as VersionList;
    expect(list.versions).toEqual([]);
  });
});
