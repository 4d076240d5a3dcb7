import { afterEach, describe, expect, it } from 'vitest';
import { MESSAGE_RUN, RUN_OUTPUT_MAX_BYTES, type RunList, type RunServerMessage } from '@pairwise/protocol';
import { createSqliteBackend, type StoreBackend } from './support/backends.js';
import { connectClient, type TestClient, waitFor } from './support/clients.js';
import { api } from './support/http-api.js';
import { closeRawSockets } from './support/raw-socket.js';
import { QueryRoleResolver, roomUrl } from './support/roles.js';
import { newRunId, type RunPeer, runPeer } from './support/runs.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/**
 * A run is a room object: the runner's tab reports it (MESSAGE_RUN), the server checks, caps, stores
 * and relays it to every connection that sent the hello; stock clients never see a run message.
 */

const typesOf = (messages: RunServerMessage[]) => messages.map((m) => (m.type === 'refused' ? `refused:${m.code}` : m.type));

describe('runs on one instance', () => {
  let s: TestServer | undefined;
  const clients: TestClient[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    closeRawSockets();
    await s?.close();
    s = undefined;
  });

  async function setUp(): Promise<{ server: TestServer; roomId: string; join: (query: Record<string, string>) => Promise<RunPeer> }> {
    const server = await startTestServer({ sessions: new QueryRoleResolver() });
    s = server;
    const roomId = await server.createRoom();
    return { server, roomId, join: (query) => runPeer(roomUrl(server.wsUrl, roomId, query)) };
  }

  it('everyone sees who runs what, the output and the end; a stock client never gets type 103 and stays connected', async () => {
    const { server, roomId, join } = await setUp();
    const stock = connectClient(server.wsUrl, roomId);
    clients.push(stock);
    await stock.synced();
    const stockTypes: number[] = [];
    stock.provider.ws?.addEventListener('message', (event: MessageEvent) => {
      stockTypes.push(new Uint8Array(event.data as ArrayBuffer)[0] ?? -1);
    });
    const [ada, bob] = [await join({ user: 'ada' }), await join({ user: 'bob' })];
    const runId = newRunId();
    await ada.run({ type: 'start', runId, language: 'python' });
    await ada.run({ type: 'output', runId, stream: 'stdout', text: 'hello \u001b[32mworld\u001b[0m\n' });
    await ada.run({ type: 'output', runId, stream: 'stderr', text: 'warning ✗\n' });
    await ada.run({ type: 'exit', runId, status: 'failed', exitCode: 1 });
    await waitFor(() => bob.runs().length === 4, 'bob sees the whole run', 2_000);

    const seen = bob.runs();
    expect(typesOf(seen)).toEqual(['started', 'output', 'output', 'finished']);
    expect(seen[0]).toMatchObject({
      type: 'started',
      run: { id: runId, language: 'python', status: 'running', startedBy: { id: 'user:ada', name: 'ada' } },
    });
    expect(seen[3]).toMatchObject({
      type: 'finished',
      run: {
        id: runId,
        status: 'failed',
        exitCode: 1,
        outputBytes: Buffer.byteLength('hello \u001b[32mworld\u001b[0m\nwarning ✗\n'),
        truncated: false,
      },
    });
    expect(ada.runs()).toEqual(seen);

    stock.text.insert(0, '# still editing\n');
    await waitFor(
      () => server.server.registry.loaded(roomId)?.text.toString().startsWith('# still editing') === true,
      'the stock edit arrives',
    );
    expect(stockTypes).not.toContain(MESSAGE_RUN);
    expect(stock.provider.wsconnected).toBe(true);

    const listed = (await api(server, 'GET', `/api/rooms/${roomId}/runs`)).body as RunList;
    expect(listed).toEqual({
      runs: [
        {
          ...(seen[3] as Extract<RunServerMessage, { type: 'finished' }>).run,
          output: [
            { stream: 'stdout', text: 'hello \u001b[32mworld\u001b[0m\n' },
            { stream: 'stderr', text: 'warning ✗\n' },
          ],
        },
      ],
      nextBefore: null,
    });
  });

  it('ignores a viewer’s start; refuses a start while running is switched off or another run goes on', async () => {
    const { server, roomId, join } = await setUp();
    const [vera, ada, bob] = [await join({ user: 'vera', role: 'viewer' }), await join({ user: 'ada' }), await join({ user: 'bob' })];
    await vera.run({ type: 'start', runId: newRunId(), language: 'python' });
    expect(vera.runs()).toEqual([]);
    expect(vera.ws.readyState).toBe(vera.ws.OPEN);

    const off = await api(server, 'PATCH', `/api/rooms/${roomId}`, { runCode: false }, server.asOwner(roomId));
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ runCode: false });
    expect((await api(server, 'GET', `/api/rooms/${roomId}`)).body).toMatchObject({ runCode: false });
    await ada.run({ type: 'start', runId: newRunId(), language: 'python' });
    expect(typesOf(ada.runs())).toEqual(['refused:running_off']);

    await api(server, 'PATCH', `/api/rooms/${roomId}`, { runCode: true }, server.asOwner(roomId));
    const runId = newRunId();
    await ada.run({ type: 'start', runId, language: 'javascript' });
    await bob.run({ type: 'start', runId: newRunId(), language: 'python' });
    await waitFor(() => bob.runs().length === 2, 'bob hears the start and his refusal', 2_000);
    expect(typesOf(bob.runs())).toEqual(['started', 'refused:already_running']);
    expect(((await api(server, 'GET', `/api/rooms/${roomId}/runs`)).body as RunList).runs.map((run) => run.id)).toEqual([runId]);
    expect(vera.ws.readyState).toBe(vera.ws.OPEN);
  });

  it('caps a run’s output: truncated, the rest dropped, everyone told once', async () => {
    const { server, roomId, join } = await setUp();
    const [ada, bob] = [await join({ user: 'ada' }), await join({ user: 'bob' })];
    const runId = newRunId();
    await ada.run({ type: 'start', runId, language: 'python' });
    for (let i = 0; i < 6; i++) await ada.run({ type: 'output', runId, stream: 'stdout', text: 'x'.repeat(16 * 1024) });
    await ada.run({ type: 'exit', runId, status: 'exited', exitCode: 0 });
    await waitFor(() => bob.runs().some((m) => m.type === 'finished'), 'the run ends', 2_000);
    expect(typesOf(bob.runs())).toEqual(['started', 'output', 'output', 'output', 'output', 'output', 'finished']);
    expect(bob.runs().at(-1)).toMatchObject({ run: { outputBytes: RUN_OUTPUT_MAX_BYTES, truncated: true } });
    const [stored] = ((await api(server, 'GET', `/api/rooms/${roomId}/runs`)).body as RunList).runs;
    expect(stored?.output.map((chunk) => chunk.text.length)).toEqual([RUN_OUTPUT_MAX_BYTES]);
  });

  it('a run whose runner disconnects ends lost, for everyone', async () => {
    const { server, roomId, join } = await setUp();
    const [ada, bob] = [await join({ user: 'ada' }), await join({ user: 'bob' })];
    const runId = newRunId();
    await ada.run({ type: 'start', runId, language: 'python' });
    await ada.run({ type: 'output', runId, stream: 'stdout', text: 'working…' });
    ada.ws.close();
    await waitFor(() => bob.runs().some((m) => m.type === 'finished'), 'bob hears the end', 2_000);
    expect(bob.runs().at(-1)).toMatchObject({ type: 'finished', run: { id: runId, status: 'lost', exitCode: null } });
    const [stored] = ((await api(server, 'GET', `/api/rooms/${roomId}/runs`)).body as RunList).runs;
    expect(stored).toMatchObject({ status: 'lost', output: [{ stream: 'stdout', text: 'working…' }] });
    // Another editor may run now.
    await bob.run({ type: 'start', runId: newRunId(), language: 'python' });
    expect(typesOf(bob.runs()).at(-1)).toBe('started');
  });
});

describe('runs survive a restart [sqlite]', () => {
  let backend: StoreBackend | undefined;
  let s: TestServer | undefined;

  afterEach(async () => {
    closeRawSockets();
    await s?.close();
    s = undefined;
    await backend?.destroy();
  });

  it('a finished run and one cut off by the restart are read back with their output', async () => {
    backend = await createSqliteBackend();
    s = await startTestServer({ store: await backend.open(), sessions: new QueryRoleResolver() });
    const roomId = await s.createRoom();
    const ada = await runPeer(roomUrl(s.wsUrl, roomId, { user: 'ada' }));
    const [done, cut] = [newRunId(), newRunId()];
    await ada.run({ type: 'start', runId: done, language: 'python' });
    await ada.run({ type: 'output', runId: done, stream: 'stdout', text: '1\n2\n' });
    await ada.run({ type: 'exit', runId: done, status: 'exited', exitCode: 0 });
    await ada.run({ type: 'start', runId: cut, language: 'python' });
    await ada.run({ type: 'output', runId: cut, stream: 'stdout', text: 'half' });
    await s.close();

    s = await startTestServer({ store: await backend.open() });
    const { runs } = (await api(s, 'GET', `/api/rooms/${roomId}/runs`)).body as RunList;
    expect(runs.map((run) => [run.id, run.status, run.exitCode, run.output])).toEqual([
      [cut, 'lost', null, [{ stream: 'stdout', text: 'half' }]],
      [done, 'exited', 0, [{ stream: 'stdout', text: '1\n2\n' }]],
    ]);
    expect(runs[1]?.startedBy).toMatchObject({ id: 'user:ada', name: 'ada' });
  });
});
