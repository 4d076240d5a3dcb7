import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CODE_TEXT } from '@pairwise/protocol';
import { client, describeBadInput, withOverrides } from './support/bad-input.js';
import { waitFor } from './support/clients.js';
import { api } from './support/http-api.js';
import { within } from './support/within.js';

/** The store side: accepted edits reach storage within the flush window, and /ready reports the store. */

await describeBadInput('bad input: storage', ({ server, openStore }) => {
  describe('storage', () => {
    it('every accepted edit is in storage within the flush window', async () => {
      const flushWindowMs = 100;
      const s = await server({ flushWindowMs });
      const roomId = await s.createRoom();
      const writer = client(s, roomId);
      await within(writer.synced(), 10_000, 'writer sync');

      const storedText = async (): Promise<string> => {
        const stored = await s.store.loadDocument(roomId);
        const doc = new Y.Doc();
        for (const update of stored!.updates) Y.applyUpdate(doc, update);
        const text = doc.getText(CODE_TEXT).toString();
        doc.destroy();
        return text;
      };
      const slackMs = 400;
      for (let n = 0; n < 5; n++) {
        writer.text.insert(0, `edit ${n}\n`);
        const expected = writer.text.toString();
        const started = performance.now();
        await waitFor(async () => (await storedText()) === expected, `edit ${n} stored`, 5_000);
        expect(performance.now() - started, `edit ${n}`).toBeLessThan(flushWindowMs + slackMs);
      }
      // A burst: all of it stored within one window (plus slack) of the last keystroke.
      for (let n = 0; n < 50; n++) writer.text.insert(writer.text.length, String(n % 10));
      const expected = writer.text.toString();
      const started = performance.now();
      await waitFor(async () => (await storedText()) === expected, 'burst stored', 5_000);
      expect(performance.now() - started).toBeLessThan(flushWindowMs + slackMs);
    });
  });

  describe('GET /health and GET /ready', () => {
    it('200 from both while the store answers', async () => {
      const s = await server();
      const health = await api(s, 'GET', '/health');
      expect(health.status).toBe(200);
      expect(health.body).toEqual({ status: 'ok' });
      const ready = await api(s, 'GET', '/ready');
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({ status: 'ready' });
    });

    it("/ready says 503 when the store's ping rejects; /health stays 200 (the process is alive)", async () => {
      const downStore = withOverrides(await openStore(), {
        ping: async () => {
          throw new Error('connection refused');
        },
      });
      const s = await server({ store: downStore });
      const ready = await api(s, 'GET', '/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toEqual({ status: 'unavailable', reason: 'store: connection refused' });
      expect((await api(s, 'GET', '/health')).status).toBe(200);
    });
  });
});
