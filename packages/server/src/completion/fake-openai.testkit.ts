import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake server does with one request: answer (optionally late) or never answer. */
export type FakeReply = { status: number; body: unknown; delayMs?: number } | 'hang';

export interface RecordedRequest {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Record<string, unknown>;
  /** Resolves when the client drops the connection before the server answered. */
  readonly abandoned: Promise<void>;
}

export interface FakeOpenAi {
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  /** Replies by path; a path without one gets 404, like a server without that endpoint. */
  reply(path: string, reply: FakeReply | ((body: Record<string, unknown>) => FakeReply)): void;
  waitForRequests(count: number): Promise<void>;
  close(): Promise<void>;
}

/** An OpenAI-compatible server on 127.0.0.1 with a random port, speaking real HTTP. */
export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const replies = new Map<string, FakeReply | ((body: Record<string, unknown>) => FakeReply)>();
  const requests: RecordedRequest[] = [];
  const waiters: (() => void)[] = [];
  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    const abandoned = new Promise<void>((resolve) => res.on('close', () => !res.writableFinished && resolve()));
    const path = req.url ?? '';
    requests.push({ path, headers: req.headers, body, abandoned });
    for (const wake of waiters.splice(0)) wake();
    const configured = replies.get(path);
    const reply = typeof configured === 'function' ? configured(body) : (configured ?? { status: 404, body: { error: 'not found' } });
    if (reply === 'hang') return;
    if (reply.delayMs !== undefined) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (res.destroyed) return;
    const payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    res.writeHead(reply.status, { 'content-type': 'application/json' }).end(payload);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    reply: (path, reply) => replies.set(path, reply),
    async waitForRequests(count) {
      while (requests.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
