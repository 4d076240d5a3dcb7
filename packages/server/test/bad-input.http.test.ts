import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeBadInput } from './support/bad-input.js';
import { api, apiError } from './support/http-api.js';
import type { TestServer } from './support/test-server.js';

/** Bad input: HTTP API requests with broken JSON, invalid fields and unknown routes. */

await describeBadInput('bad input: HTTP API', ({ server }) => {
  describe('bad input (default limits)', () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await server();
    });

    describe('HTTP API input', () => {
      it('bad JSON body -> 400 invalid_json', async () => {
        for (const body of ['{"name": ', 'not json', '{"name": "x",}']) {
          expect(apiError(await api(s, 'POST', '/api/rooms', body), 400).code, body).toBe('invalid_json');
        }
      });

      it('empty body with a JSON content type -> 400 invalid_json', async () => {
        expect(apiError(await api(s, 'POST', '/api/rooms', ''), 400).code).toBe('invalid_json');
      });

      it('POST with unknown fields, bad language, too-long name or bad id pattern -> 400 naming the field', async () => {
        const cases: [body: Record<string, unknown>, field: string][] = [
          [{ colour: 'red' }, 'colour'],
          [{ name: 'ok', ownerId: 7 }, 'ownerId'],
          [{ language: 'cobol' }, 'language'],
          [{ language: 42 }, 'language'],
          [{ name: 'x'.repeat(101) }, 'name'],
          [{ name: '   ' }, 'name'],
          [{ name: 17 }, 'name'],
          [{ id: 'bad id!' }, 'id'],
          [{ id: 'ab' }, 'id'],
          [{ id: 'a'.repeat(65) }, 'id'],
        ];
        for (const [body, field] of cases) {
          const error = apiError(await api(s, 'POST', '/api/rooms', body), 400);
          expect(error.code).toBe('invalid_request');
          // The field appears as a path ("language: …") or quoted in an unknown-key message.
          expect(error.message, JSON.stringify(body)).toMatch(new RegExp(`(^|[\\s"'])${field}(:|"|')`));
        }
      });

      it('POST with a body that is not an object -> 400', async () => {
        // (A literal `null` body is read as "no body" and creates a room with defaults.)
        for (const body of ['[]', '"room"', '42', 'true']) {
          expect(apiError(await api(s, 'POST', '/api/rooms', body), 400).code, body).toMatch(/invalid_(request|json)/);
        }
      });

      it('POST with a taken id -> 409', async () => {
        const id = `taken-${randomBytes(4).toString('hex')}`;
        expect((await api(s, 'POST', '/api/rooms', { id })).status).toBe(201);
        expect(apiError(await api(s, 'POST', '/api/rooms', { id, name: 'again' }), 409).code).toBe('room_exists');
      });

      it('PATCH with an empty body -> 400', async () => {
        const roomId = await s.createRoom();
        apiError(await api(s, 'PATCH', `/api/rooms/${roomId}`, {}), 400);
        apiError(await api(s, 'PATCH', `/api/rooms/${roomId}`), 400);
        apiError(await api(s, 'PATCH', `/api/rooms/${roomId}`, { name: 'ok', extra: true }), 400);
        // The room is unchanged.
        expect((await api(s, 'GET', `/api/rooms/${roomId}`)).body).toMatchObject({ name: 'Untitled room' });
      });

      it('GET /api/rooms with a bad limit or cursor -> 400', async () => {
        const garbageCursor = Buffer.from('not a cursor').toString('base64url');
        for (const query of [
          'limit=0',
          'limit=-1',
          'limit=abc',
          'limit=1000',
          'limit=2.5',
          `cursor=${garbageCursor}`,
          'cursor=',
          'cursor=%00',
          'page=2',
        ]) {
          apiError(await api(s, 'GET', `/api/rooms?${query}`), 400);
        }
        expect((await api(s, 'GET', '/api/rooms?limit=5')).status).toBe(200);
      });

      it('unknown /api routes -> 404 JSON', async () => {
        for (const [method, path] of [
          ['GET', '/api/nope'],
          ['POST', '/api/rooms/abc/extra'],
          ['PUT', '/api/rooms/abc'],
          ['GET', '/api'],
        ]) {
          const error = apiError(await api(s, method!, path!), 404);
          expect(error.code).toBe('not_found');
        }
      });
    });
  });
});
