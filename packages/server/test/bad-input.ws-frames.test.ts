import * as encoding from 'lib0/encoding';
import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { CLOSE_CODES, CODE_TEXT } from '@pairwise/protocol';
import { client, describeBadInput, editAndConfirm } from './support/bad-input.js';
import { waitFor } from './support/clients.js';
import { api, roomCode } from './support/http-api.js';
import { awarenessFrame, closeOf, frame, rawClient, updateFrame } from './support/raw-socket.js';
import type { TestServer } from './support/test-server.js';
import { within } from './support/within.js';

/** Bad input: malformed, text, spoofing and oversized WebSocket frames drop only their sender. */

/** A valid update (an insert at the start of the code) from a client that never synced. */
function insertUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText(CODE_TEXT).insert(0, text);
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

await describeBadInput('bad input: WebSocket frames', ({ server }) => {
  describe('bad input (default limits)', () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await server();
    });

    describe('malformed binary messages close only that socket (1007); the room is untouched', () => {
      const hugeStructCount = frame((e) => {
        encoding.writeVarUint(e, 1); // one client section ...
        encoding.writeVarUint(e, 0xfff_ffff); // ... declaring 268M structs in a few bytes
        encoding.writeVarUint(e, 12345);
        encoding.writeVarUint(e, 0);
      });
      const valid = updateFrame(insertUpdate('SHOULD NEVER APPEAR '));
      const cases: Record<string, Uint8Array> = {
        'garbage bytes': Uint8Array.from([0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa]),
        'truncated sync update': valid.subarray(0, valid.length - 5),
        'update truncated inside its length prefix': updateFrame(insertUpdate('SHOULD NEVER APPEAR ').subarray(0, 12)),
        'unknown message type': Uint8Array.from([9, 1, 2, 3]),
        'update declaring a huge struct count (yjs readClientsStructRefs allocation)': updateFrame(hugeStructCount),
        'empty binary frame': new Uint8Array(0),
      };

      for (const [name, bytes] of Object.entries(cases)) {
        it(name, async () => {
          const roomId = await s.createRoom();
          const stock = client(s, roomId);
          await within(stock.synced(), 10_000, 'stock client sync');
          const original = await roomCode(s, roomId);
          expect(stock.text.toString()).toBe(original);

          const raw = rawClient(`${s.wsUrl}/${roomId}`);
          await raw.opened;
          const started = performance.now();
          raw.ws.send(bytes);
          expect((await closeOf(raw, name)).code).toBe(CLOSE_CODES.invalidMessage);
          // Even the allocation trap is answered at once, not after Yjs allocated for 268M structs.
          expect(performance.now() - started).toBeLessThan(2_000);

          expect(await roomCode(s, roomId)).toBe(original);
          // The stock client is still connected and working, and saw nothing but its own edit.
          await editAndConfirm(s, roomId, stock, '# still here\n');
          expect(stock.text.toString()).toBe(`# still here\n${original}`);
          expect(stock.provider.wsconnected).toBe(true);
        });
      }
    });

    it('a text (non-binary) frame closes with 1003', async () => {
      const roomId = await s.createRoom();
      const raw = rawClient(`${s.wsUrl}/${roomId}`);
      await raw.opened;
      raw.ws.send('{"type":"hello"}');
      expect((await closeOf(raw, 'text frame')).code).toBe(CLOSE_CODES.unsupportedData);
      await waitFor(() => (s.server.registry.loaded(roomId)?.connectionCount ?? 0) === 0, 'server let go of the socket');
    });

    it("awareness spoofing over the wire: a raw client cannot change or remove another client's presence", async () => {
      const roomId = await s.createRoom();
      const aliceUser = { name: 'Alice', color: '#ff0000' };
      const alice = client(s, roomId, aliceUser);
      const bob = client(s, roomId);
      await within(Promise.all([alice.synced(), bob.synced()]), 10_000, 'stock clients sync');
      alice.provider.awareness.setLocalStateField('user', aliceUser);
      const aliceId = alice.doc.clientID;
      await waitFor(() => bob.provider.awareness.getStates().get(aliceId)?.user?.name === aliceUser.name, 'bob sees alice');

      const mallory = rawClient(`${s.wsUrl}/${roomId}`);
      await mallory.opened;
      const malloryId = 987_654_321;
      const malloryUser = { name: 'Mallory', color: '#000000' };
      mallory.ws.send(awarenessFrame([[aliceId, 10_000, { user: { name: 'Alice (fake)', color: '#000000' } }]]));
      mallory.ws.send(awarenessFrame([[aliceId, 20_000, null]]));
      // Then a legit announcement, as a barrier: once bob sees it, the server has handled the spoofs before it.
      mallory.ws.send(awarenessFrame([[malloryId, 1, { user: malloryUser }]]));
      await waitFor(() => bob.provider.awareness.getStates().has(malloryId), "bob sees mallory's own state");

      expect(bob.provider.awareness.getStates().get(aliceId)).toMatchObject({ user: aliceUser });
      const details = (await api(s, 'GET', `/api/rooms/${roomId}`)).body as { activeUsers: unknown[] };
      expect(details.activeUsers).toContainEqual(aliceUser);
      expect(details.activeUsers).not.toContainEqual({ name: 'Alice (fake)', color: '#000000' });
      // The spoofer's socket was not closed for it: spoofed entries are dropped, not fatal.
      expect(mallory.ws.readyState).toBe(WebSocket.OPEN);
    });
  });

  describe('a frame over maxMessageBytes', () => {
    it('closes that socket with 1009, and the server keeps serving others', async () => {
      const s = await server({ maxMessageBytes: 64 * 1024 });
      const roomId = await s.createRoom();
      const stock = client(s, roomId);
      await within(stock.synced(), 10_000, 'stock client sync');
      const original = await roomCode(s, roomId);

      const raw = rawClient(`${s.wsUrl}/${roomId}`);
      await raw.opened;
      raw.ws.send(updateFrame(insertUpdate('x'.repeat(100 * 1024))));
      expect((await closeOf(raw, 'oversized frame')).code).toBe(CLOSE_CODES.messageTooBig);

      expect(await roomCode(s, roomId)).toBe(original);
      await editAndConfirm(s, roomId, stock, '# after the big frame\n');
      const late = client(s, roomId);
      await within(late.synced(), 10_000, 'a new client still connects');
      expect(late.text.toString()).toBe(`# after the big frame\n${original}`);
      expect((await api(s, 'GET', '/health')).status).toBe(200);
    });
  });
});
