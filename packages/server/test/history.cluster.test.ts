import { afterEach, expect, it } from 'vitest';
import type { CreatedRoom, TimelinePage, TimelineText, VersionSummary } from '@pairwise/protocol';
import { connectClient, type TestClient, waitFor } from './support/clients.js';
import { startTestCluster, type TestCluster } from './support/cluster.js';
import { api } from './support/http-api.js';
import { describeWithPostgres } from './support/postgres.js';

/**
 * History with several instances (one PostgreSQL database, the Redis room bus): each instance stores
 * its own clients' edits with their authors, any instance answers the whole timeline, and a version
 * restored through one instance reaches the clients of the other.
 */

await describeWithPostgres('history across instances', () => {
  let cluster: TestCluster | undefined;
  const clients: TestClient[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await cluster?.close();
    cluster = undefined;
  });

  it('one timeline with both instances’ authors; a restore on one instance reaches the other’s clients', async () => {
    cluster = await startTestCluster(2);
    const [a, b] = cluster.instances;
    if (!a || !b) throw new Error('two instances');
    const created = (await api(a, 'POST', '/api/rooms', { language: 'python' })).body as CreatedRoom;
    const owner = { 'x-pairwise-owner-key': created.ownerKey ?? '' };
    const join = async (on: typeof a, name: string) => {
      const client = connectClient(on.wsUrl, created.id, { params: { name } });
      clients.push(client);
      await client.synced();
      return client;
    };
    const ada = await join(a, 'Ada');
    const grace = await join(b, 'Grace');
    ada.text.delete(0, ada.text.length);
    ada.text.insert(0, 'x = 1\n');
    await waitFor(() => grace.text.toString() === 'x = 1\n', 'grace sees ada');
    const version = (await api(b, 'POST', `/api/rooms/${created.id}/versions`, { name: 'one' }, owner)).body as VersionSummary;
    expect(version.authors.map((author) => author.name)).toEqual(['Ada']);
    grace.text.insert(grace.text.length, 'y = 2\n');
    await waitFor(() => ada.text.toString() === 'x = 1\ny = 2\n', 'ada sees grace');

    await waitFor(async () => {
      const page = (await api(a, 'GET', `/api/rooms/${created.id}/timeline`, undefined, owner)).body as TimelinePage;
      const names = page.authors.map((author) => author.name);
      return names.includes('Ada') && names.includes('Grace');
    }, 'both instances stored their own clients’ edits with their authors');
    const page = (await api(b, 'GET', `/api/rooms/${created.id}/timeline`, undefined, owner)).body as TimelinePage;
    const last = page.points.at(-1)?.seq ?? 0;
    const moment = (await api(a, 'GET', `/api/rooms/${created.id}/timeline/${last}`, undefined, owner)).body as TimelineText;
    expect(moment.code).toBe('x = 1\ny = 2\n');

    const restored = await api(a, 'POST', `/api/rooms/${created.id}/versions/${version.id}/restore`, {}, owner);
    expect(restored.status).toBe(200);
    await waitFor(
      () => grace.text.toString() === 'x = 1\n' && ada.text.toString() === 'x = 1\n',
      'the restore reaches both instances’ clients',
    );
  });
});
