import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { CreatedRoom, RoomSummary } from '@pairwise/protocol';
import { connectClient, type TestClient, waitFor } from './support/clients.js';
import { startTestCluster, type TestCluster } from './support/cluster.js';
import { describeWithNginx, startNginx, type TestNginx } from './support/nginx.js';
import { describeWithPostgres } from './support/postgres.js';
import { runSeed, seededRandom } from './support/random.js';
import type { TestServer } from './support/test-server.js';
import { assertHoldsExactly, editRandomly } from './support/token-editing.js';

/**
 * The sample deploy/nginx.conf (Debian's nginx, on loopback) in front of two instances sharing one
 * PostgreSQL database and one Redis prefix: round robin spreads one room's stock y-websocket clients
 * over both, and they converge; the API and the browser Origin check work through the proxy.
 */

const portOf = (s: TestServer): number => Number(new URL(s.url).port);

/** Whether a WebSocket handshake through nginx with this Origin is accepted (open) or refused (HTTP status). */
function handshake(url: string, origin: string): Promise<'open' | number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { origin });
    socket.once('open', () => {
      socket.close();
      resolve('open');
    });
    socket.once('unexpected-response', (_request, response) => {
      socket.terminate();
      resolve(response.statusCode ?? 0);
    });
    socket.once('error', reject);
  });
}

await describeWithPostgres('nginx in front of two instances', () => {
  describeWithNginx('the sample nginx configuration', () => {
    let cluster: TestCluster | undefined;
    let nginx: TestNginx | undefined;
    const clients: TestClient[] = [];

    afterEach(async () => {
      for (const client of clients.splice(0)) client.destroy();
      await nginx?.stop();
      nginx = undefined;
      await cluster?.close();
      cluster = undefined;
    });

    const start = async (): Promise<[TestServer, TestServer, TestNginx]> => {
      // Trusting the proxy on loopback, as the README says to configure it behind nginx.
      cluster = await startTestCluster(2, () => ({ trustProxy: ['loopback'] }));
      const [a, b] = cluster.instances as [TestServer, TestServer];
      nginx = await startNginx([portOf(a), portOf(b)]);
      return [a, b, nginx];
    };

    it('spreads one room over both instances; randomized edits converge; the API works through it', async () => {
      const seed = runSeed();
      const random = seededRandom(seed);
      console.info(`nginx cluster seed ${seed} (replay with PAIRWISE_SEED=${seed})`);
      const [a, b, proxy] = await start();

      const created = await fetch(`${proxy.url}/api/rooms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ language: 'plaintext' }),
      });
      expect(created.status).toBe(201);
      const roomId = ((await created.json()) as CreatedRoom).id;

      const editors = Array.from({ length: 6 }, () => connectClient(`ws://127.0.0.1:${proxy.port}/ws`, roomId));
      clients.push(...editors);
      await Promise.all(editors.map((c) => c.synced()));
      const socketsOn = (s: TestServer): number => s.server.registry.loaded(roomId)?.connectionCount ?? 0;
      expect(socketsOn(a) + socketsOn(b)).toBe(6);
      expect(socketsOn(a), 'instance A got connections').toBeGreaterThan(0);
      expect(socketsOn(b), 'instance B got connections').toBeGreaterThan(0);

      const ledger = await editRandomly(editors, 200, random);
      const views = () => new Set([...editors.map((c) => c.text.toString()), a.server.registry.loaded(roomId)?.text.toString()]);
      await waitFor(() => views().size === 1, 'clients and instances converge through nginx', 20_000);
      const converged = editors[0]!.text.toString();
      assertHoldsExactly(converged, ledger.expected());

      // Both instances answer GET through the proxy (round robin) with the stored result.
      await Promise.all([a, b].map((s) => s.server.commits.flush()));
      for (let i = 0; i < 2; i++) {
        const got = await fetch(`${proxy.url}/api/rooms/${roomId}`);
        expect(got.status).toBe(200);
        expect(((await got.json()) as RoomSummary).id).toBe(roomId);
      }
    });

    it("a browser page served through nginx passes the Origin check; another site's page does not", async () => {
      const [, , proxy] = await start();
      const created = await fetch(`${proxy.url}/api/rooms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      const roomId = ((await created.json()) as CreatedRoom).id;
      const url = `ws://127.0.0.1:${proxy.port}/ws/${roomId}`;
      // Twice each, so both instances (round robin) are asked.
      for (let i = 0; i < 2; i++) {
        expect(await handshake(url, proxy.url)).toBe('open');
        expect(await handshake(url, 'http://evil.example')).toBe(403);
      }
    });
  });
});
