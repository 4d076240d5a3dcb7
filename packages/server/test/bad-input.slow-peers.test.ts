import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { client, describeBadInput, editAndConfirm } from './support/bad-input.js';
import { waitFor } from './support/clients.js';
import { awarenessFrame, closeOf, rawClient, stalledSocket } from './support/raw-socket.js';
import { within } from './support/within.js';

/** Bad input: a client that stops reading and one that stops answering pings are dropped; the others carry on. */

await describeBadInput('bad input: slow peers', ({ server }) => {
  describe('slow consumer', () => {
    it('a client that stops reading is dropped once its buffer passes maxBufferedBytes; the others keep working and memory stays bounded', async () => {
      const s = await server({ maxBufferedBytes: 64 * 1024 });
      const roomId = await s.createRoom();
      const writer = client(s, roomId);
      const reader = client(s, roomId);
      await within(Promise.all([writer.synced(), reader.synced()]), 10_000, 'clients sync');
      const room = s.server.registry.loaded(roomId);
      expect(room).toBeDefined();
      await stalledSocket(s, roomId);
      await waitFor(() => room!.connectionCount === 3, 'stalled socket joined');

      const rssBefore = process.memoryUsage().rss;
      const chunk = 'y'.repeat(16 * 1024);
      let sent = 0;
      // Batches small enough that the reading client (same process, same event loop) never falls
      // 64 KiB behind; the stalled one falls behind for good once the kernel buffers are full.
      while (room!.connectionCount === 3) {
        if (sent > 48 * 1024 * 1024) throw new Error(`stalled socket still connected after ${sent} bytes`);
        for (let i = 0; i < 3; i++) {
          writer.text.insert(0, chunk);
          writer.text.delete(0, chunk.length);
          sent += chunk.length;
        }
        const target = Y.encodeStateVector(writer.doc);
        await waitFor(() => equalBytes(Y.encodeStateVector(reader.doc), target), 'reader keeps up', 10_000);
      }
      expect(room!.connectionCount).toBe(2);
      expect(reader.provider.wsconnected).toBe(true);
      expect(writer.provider.wsconnected).toBe(true);
      // Several MB went out before the stall was detected (kernel buffers absorb the first MBs).
      expect(sent).toBeGreaterThan(64 * 1024);

      // Keep writing after the stalled socket is gone: nothing more piles up for it.
      for (let i = 0; i < 128; i++) {
        writer.text.insert(0, chunk);
        writer.text.delete(0, chunk.length);
        sent += chunk.length;
        if (i % 4 === 3) {
          const target = Y.encodeStateVector(writer.doc);
          await waitFor(() => equalBytes(Y.encodeStateVector(reader.doc), target), 'reader keeps up', 10_000);
        }
      }
      await editAndConfirm(s, roomId, writer, '# after the stall\n');
      await waitFor(() => reader.text.toString().startsWith('# after the stall\n'), 'reader sees later edits');
      const growthMb = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
      // Generous: the point is "bounded", not a precise figure (~40-50 MB here: the store keeps every
      // update, three docs and a process full of garbage; an unbounded buffer would add every byte sent after the stall).
      expect(growthMb, `rss grew ${growthMb.toFixed(0)} MB while sending ${(sent / 1024 / 1024).toFixed(1)} MB`).toBeLessThan(256);
    });
  });

  describe('dead sockets', () => {
    it('a client that stops answering pings is terminated within ~2 ping intervals and its presence disappears', async () => {
      const pingIntervalMs = 200;
      const s = await server({ pingIntervalMs });
      const roomId = await s.createRoom();
      const watcher = client(s, roomId);
      await within(watcher.synced(), 10_000, 'watcher sync');

      // A raw client that answers pings by hand, until it "loses its network".
      const dead = rawClient(`${s.wsUrl}/${roomId}`, { autoPong: false });
      let answering = true;
      dead.ws.on('ping', (data) => {
        if (answering) dead.ws.pong(data);
      });
      await dead.opened;
      const deadId = 55_555;
      dead.ws.send(awarenessFrame([[deadId, 1, { user: { name: 'Ghost', color: '#abcdef' } }]]));
      await waitFor(() => watcher.provider.awareness.getStates().has(deadId), 'watcher sees the soon-dead client');
      // Answering pings keeps it alive across several intervals.
      await new Promise((r) => setTimeout(r, pingIntervalMs * 3));
      expect(dead.ws.readyState).toBe(WebSocket.OPEN);

      answering = false;
      const stoppedAt = performance.now();
      await waitFor(() => !watcher.provider.awareness.getStates().has(deadId), 'ghost cursor removed', 5_000);
      const elapsed = performance.now() - stoppedAt;
      // Terminated on the second heartbeat after the last pong: at most 2 intervals, plus timer slack on a busy machine.
      expect(elapsed).toBeLessThan(2 * pingIntervalMs + 800);
      expect((await closeOf(dead, 'dead client')).code).toBe(1006); // terminated, no close handshake
      expect(watcher.provider.wsconnected).toBe(true);
      expect(s.server.registry.loaded(roomId)?.connectionCount).toBe(1);
    });
  });
});

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
