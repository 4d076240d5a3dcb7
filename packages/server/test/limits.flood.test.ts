import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { CLOSE_CODES, MESSAGE_SYNC } from '@pairwise/protocol';
import { DEFAULT_LIMITS } from '../src/limits/config.js';
import { connectClient, type TestClient } from './support/clients.js';
import { startCpuShare } from './support/cpu-share.js';
import { awarenessFrame, closeOf, frame, rawClient, updateFrame, type RawClient } from './support/raw-socket.js';
import { startTestServer, type TestServer, type TestServerOptions } from './support/test-server.js';
import { closedAfterEach } from './support/closed-after-each.js';
import { percentile, recordCloses, startTyping } from './support/typist.js';
import { within } from './support/within.js';

/**
 * A flood from one connection is closed with 4429 while a stock client in the same room keeps
 * typing, and its edits reach a second client with normal latency during the flood (judged as with a
 * core to itself, see cpu-share.ts). With the production default limits (messages); bytes with
 * smaller limits, so the test sends megabytes, not hundreds.
 */

const { clients, servers } = closedAfterEach();

async function roomWithTwoUsers(
  options: TestServerOptions = {},
): Promise<{ s: TestServer; roomId: string; typist: TestClient; watcher: TestClient }> {
  const s = await startTestServer(options);
  servers.push(s);
  const roomId = await s.createRoom();
  const typist = connectClient(s.wsUrl, roomId);
  const watcher = connectClient(s.wsUrl, roomId);
  clients.push(typist, watcher);
  await within(Promise.all([typist.synced(), watcher.synced()]), 10_000, 'clients sync');
  return { s, roomId, typist, watcher };
}

/**
 * Sends frames from `next` as fast as the connection carries them (batches of `batch`, the next once
 * the last has left the client), until the server closes it; resolves with how many were sent.
 */
async function flood(raw: RawClient, next: (i: number) => Uint8Array, batch = 50): Promise<number> {
  await raw.opened;
  let sent = 0;
  while (raw.ws.readyState === raw.ws.OPEN) {
    for (let i = 0; i < batch && raw.ws.readyState === raw.ws.OPEN; i++) raw.ws.send(next(sent++));
    // Yield so the server (same process) reads, relays and decides; a real flood comes from elsewhere.
    do await new Promise((r) => setImmediate(r));
    while (raw.ws.bufferedAmount > 0 && raw.ws.readyState === raw.ws.OPEN);
  }
  return sent;
}

/** An update from a document of the flooder's own: one small insert per frame. */
function updateSource(): (i: number) => Uint8Array {
  const doc = new Y.Doc();
  let last = Y.encodeStateVector(doc);
  return (i) => {
    doc.getText('code').insert(0, `f${i}`);
    const update = Y.encodeStateAsUpdate(doc, last);
    last = Y.encodeStateVector(doc);
    return updateFrame(update);
  };
}

/** A valid sync step 1 of ~800 KB: a state vector naming 100,000 clients (the server answers each with its diff). */
function bigSyncStep1(): Uint8Array {
  const stateVector = encoding.createEncoder();
  encoding.writeVarUint(stateVector, 100_000);
  for (let i = 1; i <= 100_000; i++) {
    encoding.writeVarUint(stateVector, i * 7919);
    encoding.writeVarUint(stateVector, 1_000_000);
  }
  return frame((e) => {
    encoding.writeVarUint(e, MESSAGE_SYNC);
    encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep1);
    encoding.writeVarUint8Array(e, encoding.toUint8Array(stateVector));
  });
}

describe('a flooding connection is cut off; the others carry on', () => {
  const floods: [name: string, frames: () => (i: number) => Uint8Array][] = [
    ['awareness updates', () => (i) => awarenessFrame([[4242, i + 1, { user: { name: 'Flood', color: '#000000' }, i }]])],
    ['document updates', updateSource],
  ];
  for (const [name, frames] of floods) {
    it(`${name}, as fast as possible: closed with 4429 within seconds; typing during it reaches the other client with p95 < 250 ms (given a core)`, async () => {
      const { s, roomId, typist, watcher } = await roomWithTwoUsers();
      const closes = recordCloses(typist);
      const typing = startTyping(typist, watcher, 15);
      await new Promise((r) => setTimeout(r, 500));

      const flooder = rawClient(`${s.wsUrl}/${roomId}`);
      const startedAt = performance.now();
      const cpuShare = startCpuShare();
      // Generous: a wait, not the measure; how long the cut took is judged below.
      const sent = await within(flood(flooder, frames()), 20_000, 'flood is cut off');
      const closed = await closeOf(flooder, 'flooder');
      const cutAt = performance.now();
      // Server, clients and flooder all run in this process, busy until the cut: on a loaded machine all of
      // them slow down by this share, so durations are judged as they would be with a core to itself.
      const share = cpuShare();
      await new Promise((r) => setTimeout(r, 1_000));
      await typing.stop();
      closes.stop();

      expect(closed.code).toBe(CLOSE_CODES.rateLimited);
      // It got its burst, not much more.
      expect(sent).toBeGreaterThan(DEFAULT_LIMITS.connection.messageBurst);
      expect((cutAt - startedAt) * share).toBeLessThan(5_000);
      expect(closes.codes, 'the typist was never disconnected').toEqual([]);
      expect(typist.provider.wsconnected).toBe(true);
      expect(watcher.text.toString()).toBe(typist.text.toString());
      // Keys typed while the flood ran and in the second after it (while the server relays what it admitted).
      const duringFlood = typing.arrivals.filter((a) => a.typedAt >= startedAt && a.typedAt <= cutAt + 1_000).map((a) => a.latencyMs);
      const p95 = percentile(duringFlood, 95);
      console.info(
        `[limits] ${name} flood: ${sent} frames, cut after ${(cutAt - startedAt).toFixed(0)} ms; typing p95 ${p95.toFixed(1)} ms over ${duringFlood.length} keys; ${(share * 100).toFixed(0)}% of a core, so p95 ${(p95 * share).toFixed(1)} ms given a core`,
      );
      expect(duringFlood.length).toBeGreaterThanOrEqual(10);
      expect(p95 * share).toBeLessThan(250);
    });
  }

  it('a flood of big frames is cut off by the bytes allowance (4429) before its message count would be', async () => {
    const MiB = 1024 * 1024;
    const limits = { ...DEFAULT_LIMITS, connection: { ...DEFAULT_LIMITS.connection, bytesPerSecond: 256 * 1024, bytesBurst: 4 * MiB } };
    const { s, roomId, typist, watcher } = await roomWithTwoUsers({ limits, maxMessageBytes: 4 * MiB });
    const flooder = rawClient(`${s.wsUrl}/${roomId}`);
    const bigStep1 = bigSyncStep1();
    const sent = await within(
      flood(flooder, () => bigStep1, 1),
      10_000,
      'flood is cut off',
    );
    expect((await closeOf(flooder, 'flooder')).code).toBe(CLOSE_CODES.rateLimited);
    // 4 MiB of burst is 5 of these frames; a few more may be in flight when the server decides.
    expect(sent).toBeGreaterThanOrEqual(5);
    expect(sent).toBeLessThan(20);
    typist.text.insert(0, 'still here');
    await within(
      new Promise<void>((resolve) => {
        const check = () => watcher.text.toString().startsWith('still here') && resolve();
        watcher.text.observe(check);
        check();
      }),
      5_000,
      'an edit after the flood reaches the watcher',
    );
  });
});
