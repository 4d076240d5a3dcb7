import { afterEach, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CODE_TEXT, type TimelinePage, type TimelineText } from '@pairwise/protocol';
import { connectClient, type TestClient, waitFor } from './support/clients.js';
import { api } from './support/http-api.js';
import { seededRandom } from './support/random.js';
import { describeEachStore } from './support/store-kinds.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/**
 * Playback: the stored log is the history. A seeded random session typed by two stock clients is
 * replayed point by point, through checkpoints, and every intermediate text must be exactly what an
 * observer saw while it was typed.
 */

const SEED = Number(process.env.PAIRWISE_SEED ?? Date.now() % 100_000);

await describeEachStore('history playback', (openStore) => {
  let s: TestServer;
  const clients: TestClient[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await s?.close();
  });

  const join = async (roomId: string, name: string): Promise<TestClient> => {
    const client = connectClient(s.wsUrl, roomId, { params: { name } });
    clients.push(client);
    await client.synced();
    return client;
  };

  it(`replays a seeded random session exactly, keystroke by keystroke (seed ${SEED})`, async () => {
    // A small threshold: the replay crosses several checkpoints.
    s = await startTestServer({ store: await openStore(), compactionThreshold: 15 });
    const roomId = await s.createRoom({ language: 'python' });
    const observer = await join(roomId, 'Observer');
    const seen: string[] = [];
    observer.doc.on('update', () => seen.push(observer.text.toString()));
    const typists = [await join(roomId, 'Ada'), await join(roomId, 'Grace')];
    const random = seededRandom(SEED);
    let pastes = 0;
    for (let step = 0; step < 80; step++) {
      const typist = typists[Math.floor(random() * typists.length)] as TestClient;
      const { text } = typist;
      if (text.length > 5 && random() < 0.3) text.delete(Math.floor(random() * (text.length - 2)), 1 + Math.floor(random() * 2));
      else if (random() < 0.1) {
        text.insert(Math.floor(random() * (text.length + 1)), 'pasted(line, of, code)\n');
        pastes++;
      } else text.insert(Math.floor(random() * (text.length + 1)), 'abc\n'[step % 4] ?? 'x');
      await waitFor(() => observer.text.toString() === text.toString(), 'the observer sees the edit');
    }
    await waitFor(async () => (await page(roomId, 0)).points.length >= 81, 'every edit stored');

    // Compaction added checkpoints on the way, and kept the log: the replay goes through them.
    await waitFor(async () => (await s.store.checkpointAtOrBefore(roomId, Number.MAX_SAFE_INTEGER)) !== null, 'a checkpoint');
    const points = (await stored(roomId)).slice(1);
    expect(points.map((point) => point.code)).toEqual(seen);
    const authors = (await page(roomId, 0)).authors.map((author) => author.name).sort();
    // The starter code is the server's.
    expect(authors).toEqual(['Ada', 'Grace', 'Pairwise']);
    expect((await page(roomId, 0)).points.slice(1).filter((point) => point.paste)).toHaveLength(pastes);

    // Playing in the browser: pages of updates applied in order give the same texts.
    const doc = new Y.Doc();
    const replayed: string[] = [];
    for (let after: number | null = 0; after !== null; ) {
      const next: TimelinePage = await page(roomId, after, 25, true);
      for (const point of next.points) {
        Y.applyUpdate(doc, Buffer.from(point.update ?? '', 'base64'));
        replayed.push(doc.getText(CODE_TEXT).toString());
      }
      after = next.nextAfter;
    }
    expect(replayed.slice(1)).toEqual(seen);
  });

  /** Every point's text through `GET /timeline/:seq`. */
  async function stored(roomId: string): Promise<TimelineText[]> {
    const texts: TimelineText[] = [];
    for (let after: number | null = 0; after !== null; ) {
      const next = await page(roomId, after, 40);
      for (const point of next.points)
        texts.push((await api(s, 'GET', `/api/rooms/${roomId}/timeline/${point.seq}`, undefined, s.asOwner(roomId))).body as TimelineText);
      after = next.nextAfter;
    }
    return texts;
  }

  async function page(roomId: string, after: number, limit = 500, updates = false): Promise<TimelinePage> {
    const query = `after=${after}&limit=${limit}${updates ? '&updates=1' : ''}`;
    const response = await api(s, 'GET', `/api/rooms/${roomId}/timeline?${query}`, undefined, s.asOwner(roomId));
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body as TimelinePage;
  }
});
