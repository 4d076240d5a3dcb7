import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactUrl } from './logging.js';

describe('createLogger', () => {
  const SECRET = 'eyJhbGciOiJIUzI1NiJ9.secret-payload.signature';

  function capture(): { lines: string[]; stream: Writable } {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    return { lines, stream };
  }

  it('never writes a token, owner key, link token or cookie, however a request is logged', () => {
    const { lines, stream } = capture();
    const log = createLogger('trace', stream);
    const request = new IncomingMessage(new Socket());
    request.method = 'GET';
    request.url = `/ws/room-1?name=Ada&token=${SECRET}&ownerKey=${SECRET}&link=${SECRET}`;
    request.headers = { authorization: `Bearer ${SECRET}`, cookie: `pairwise_session=${SECRET}`, 'x-pairwise-owner-key': SECRET };

    log.info({ req: request }, 'upgrade');
    log.info({ headers: request.headers }, 'raw headers');
    log.child({ reqId: 1 }).warn({ req: request, res: { headers: { 'set-cookie': `pairwise_session=${SECRET}` } } }, 'child');

    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).not.toContain('secret-payload');
    expect(JSON.parse(lines[0]!).req).toEqual({
      method: 'GET',
      url: '/ws/room-1?name=Ada&token=%5Bredacted%5D&ownerKey=%5Bredacted%5D&link=%5Bredacted%5D',
    });
  });
});

describe('redactUrl', () => {
  it('keeps paths and other parameters as they are', () => {
    expect(redactUrl('/api/rooms')).toBe('/api/rooms');
    expect(redactUrl('/api/rooms?limit=5')).toBe('/api/rooms?limit=5');
    expect(redactUrl('/ws/a?token=x&name=b')).toBe('/ws/a?token=%5Bredacted%5D&name=b');
  });
});
