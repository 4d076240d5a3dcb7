import type { IncomingHttpHeaders } from 'node:http';
import { rawClient, type RawClient } from './raw-socket.js';
import { within } from './within.js';

/** How the server answered a WebSocket handshake: upgraded (the socket is open), or an HTTP answer. */
export type HandshakeAnswer =
  | { upgraded: true; raw: RawClient }
  | { upgraded: false; status: number; headers: IncomingHttpHeaders; body: unknown };

/**
 * Opens a WebSocket with the given request headers (Origin, X-Forwarded-For...) and reports what the
 * server did with the handshake. Open sockets are closed by `closeRawSockets()` like any raw client.
 */
export function handshake(url: string, headers: Record<string, string> = {}): Promise<HandshakeAnswer> {
  const raw = rawClient(url, { headers });
  const answer = new Promise<HandshakeAnswer>((resolve) => {
    raw.ws.once('open', () => resolve({ upgraded: true, raw }));
    raw.ws.once('unexpected-response', (request, response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        request.destroy();
        resolve({
          upgraded: false,
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: text === '' ? null : JSON.parse(text),
        });
      });
    });
  });
  return within(answer, 10_000, `handshake with ${url}`);
}

/** The refusal's status, Retry-After and error code; fails the test if the handshake was upgraded. */
export function refusal(answer: HandshakeAnswer): { status: number; retryAfter: string | undefined; code: string } {
  if (answer.upgraded) throw new Error('the handshake was accepted; expected a refusal');
  const retryAfter = answer.headers['retry-after'];
  return { status: answer.status, retryAfter, code: (answer.body as { error: { code: string } }).error.code };
}
