import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { CreatedRoom } from '@pairwise/protocol';
import { connectClient, type TestClient, waitFor } from './support/clients.js';
import {
  buildImage,
  describeWithImage,
  type Container,
  IMAGE_BUILD_TIMEOUT_MS,
  removeContainers,
  runContainer,
} from './support/container-image.js';
import { freePort } from './support/free-port.js';
import { describeWithNginx, startNginx, type TestNginx } from './support/nginx.js';
import { createTestDatabase, type TestDatabase } from './support/postgres.js';
import { type PrivateRedis, startPrivateRedis } from './support/private-redis.js';
import { runSeed, seededRandom } from './support/random.js';
import { assertHoldsExactly, editRandomly } from './support/token-editing.js';

/**
 * The Dockerfile's image as docker-compose.yml runs it: one container on its own data directory,
 * and two containers sharing PostgreSQL and Redis behind the sample nginx configuration (here
 * PostgreSQL, Redis and nginx are the host's, reached over the host network).
 */

async function createRoom(url: string): Promise<string> {
  const response = await fetch(`${url}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"language":"plaintext"}',
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as CreatedRoom).id;
}

async function storedCode(url: string, roomId: string): Promise<string> {
  const response = await fetch(`${url}/api/rooms/${roomId}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { code: string }).code;
}

describeWithImage('the container image', () => {
  const clients: TestClient[] = [];
  let database: TestDatabase | undefined;
  let redis: PrivateRedis | undefined;
  let nginx: TestNginx | undefined;

  beforeAll(buildImage, IMAGE_BUILD_TIMEOUT_MS);
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await nginx?.stop();
    await removeContainers();
    await redis?.destroy();
    await database?.drop();
    nginx = undefined;
    redis = undefined;
    database = undefined;
  });
  // Also when the build fails, and no test (nor afterEach) runs.
  afterAll(removeContainers);

  const client = (wsUrl: string, roomId: string): TestClient => {
    const c = connectClient(wsUrl, roomId);
    clients.push(c);
    return c;
  };

  it('keeps a room in its data directory across a stop (SIGTERM) and a start', async () => {
    const solo = await runContainer('solo', await freePort());
    const roomId = await createRoom(solo.url);
    const editor = client(solo.wsUrl, roomId);
    await editor.synced();
    editor.text.insert(0, 'written in a container');

    expect(await solo.stop(), await solo.logs()).toBe(0);
    expect(await solo.logs()).toContain('shut down cleanly');
    await solo.start();
    expect(await storedCode(solo.url, roomId)).toBe('written in a container');
  }, 120_000);

  describeWithNginx('two containers behind nginx', () => {
    it('serve one room: randomized edits converge, and either stores the result', async () => {
      const seed = runSeed();
      const random = seededRandom(seed);
      console.info(`image cluster seed ${seed} (replay with PAIRWISE_SEED=${seed})`);
      database = await createTestDatabase();
      redis = await startPrivateRedis();
      const env = { DATABASE_URL: database.url, REDIS_URL: redis.url, TRUST_PROXY: 'loopback' };
      const [a, b] = (await Promise.all([runContainer('a', await freePort(), env), runContainer('b', await freePort(), env)])) as [
        Container,
        Container,
      ];
      nginx = await startNginx([a.port, b.port]);

      const roomId = await createRoom(nginx.url);
      // One editor on each container for certain, the rest spread by nginx's round robin.
      const editors = [a.wsUrl, b.wsUrl, ...Array.from({ length: 4 }, () => `ws://127.0.0.1:${nginx!.port}/ws`)].map((url) =>
        client(url, roomId),
      );
      await Promise.all(editors.map((c) => c.synced()));

      const ledger = await editRandomly(editors, 200, random);
      await waitFor(() => new Set(editors.map((c) => c.text.toString())).size === 1, 'clients on both containers converge', 20_000);
      const converged = editors[0]!.text.toString();
      assertHoldsExactly(converged, ledger.expected());

      // Both drain on SIGTERM; B started again reads the whole document from PostgreSQL.
      expect(await a.stop(), await a.logs()).toBe(0);
      expect(await b.stop(), await b.logs()).toBe(0);
      await b.start();
      expect(await storedCode(b.url, roomId)).toBe(converged);
    }, 180_000);
  });
});
