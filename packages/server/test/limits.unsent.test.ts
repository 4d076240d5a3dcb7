import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DEFAULT_LIMITS } from '../src/limits/config.js';
import { connectClient, waitFor } from './support/clients.js';
import { stalledSocket } from './support/raw-socket.js';
import { startTestServer } from './support/test-server.js';
import { closedAfterEach } from './support/closed-after-each.js';
import { within } from './support/within.js';

/**
 * Unsent bytes across all sockets: past MAX_TOTAL_BUFFERED_BYTES the sockets holding the most are
 * closed (1013, then cut), long before any one of them reaches its own MAX_BUFFERED_BYTES, while
 * clients that keep reading carry on.
 */

const MiB = 1024 * 1024;
const { clients, servers } = closedAfterEach();

function closedAt(socket: Socket): { readonly at: number | null } {
  const state = { at: null as number | null };
  socket.once('close', () => (state.at = performance.now()));
  return state;
}

describe('unsent bytes across all sockets', () => {
  it('past the total, the stalled sockets are dropped though each is far below its own limit; readers keep working', async () => {
    const s = await startTestServer({
      maxBufferedBytes: 64 * MiB,
      limits: { ...DEFAULT_LIMITS, maxTotalBufferedBytes: 4 * MiB },
    });
    servers.push(s);
    const roomId = await s.createRoom();
    const writer = connectClient(s.wsUrl, roomId);
    const reader = connectClient(s.wsUrl, roomId);
    clients.push(writer, reader);
    await within(Promise.all([writer.synced(), reader.synced()]), 10_000, 'clients sync');
    const room = s.server.registry.loaded(roomId)!;
    const stalled = [await stalledSocket(s, roomId), await stalledSocket(s, roomId)];
    const closes = stalled.map(closedAt);
    await waitFor(() => room.connectionCount === 4, 'stalled sockets joined');

    const chunk = 'y'.repeat(16 * 1024);
    let sent = 0;
    while (room.connectionCount > 2) {
      // Without the budget, nothing would drop these sockets before 64 MiB each (plus kernel buffers).
      if (sent > 40 * MiB) throw new Error(`stalled sockets still connected after ${sent / MiB} MiB`);
      for (let i = 0; i < 3; i++) {
        writer.text.insert(0, chunk);
        writer.text.delete(0, chunk.length);
        sent += chunk.length;
      }
      const target = Y.encodeStateVector(writer.doc);
      await waitFor(() => Buffer.compare(Y.encodeStateVector(reader.doc), target) === 0, 'reader keeps up', 10_000);
    }
    // Shed sockets are cut a second later if they have not finished closing (these never read, so they
    // cannot), which frees what they held. A paused socket cannot see that: read again, and the connection ends.
    await new Promise((r) => setTimeout(r, 1_500));
    for (const socket of stalled) socket.resume();
    await waitFor(() => closes.every((c) => c.at !== null), 'the stalled sockets were cut', 3_000);
    expect(writer.provider.wsconnected && reader.provider.wsconnected).toBe(true);
    writer.text.insert(0, 'after');
    await waitFor(() => reader.text.toString().startsWith('after'), 'the reader sees later edits');
    console.info(`[limits] stalled sockets shed after ${(sent / MiB).toFixed(1)} MiB sent`);
  });
});
