import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { RunList, RunServerMessage } from '@pairwise/protocol';
import { waitFor } from './support/clients.js';
import { startTestCluster, type TestCluster } from './support/cluster.js';
import { describeWithPostgres } from './support/postgres.js';
import { BubblewrapSandbox } from '../src/runs/sandbox/bubblewrap-sandbox.js';
import { OnBehalfOf, SERVER_AUTHOR } from '../src/sync/history-authors.js';
import { api } from './support/http-api.js';
import { closeRawSockets } from './support/raw-socket.js';
import { PATIENT_SANDBOX_LIMITS } from './support/sandbox.js';
import { QueryRoleResolver, roomUrl } from './support/roles.js';
import { newRunId, runPeer } from './support/runs.js';
import type { TestServer } from './support/test-server.js';

const typesOf = (messages: RunServerMessage[]) => messages.map((m) => (m.type === 'refused' ? `refused:${m.code}` : m.type));

await describeWithPostgres('runs across instances (Redis)', () => {
  let cluster: TestCluster | undefined;

  afterEach(async () => {
    closeRawSockets();
    await cluster?.close();
    cluster = undefined;
  });

  /** Two instances, a sandbox on the first one only; everything is closed and removed after `test`. */
  async function withSandboxOnFirst(test: (a: TestServer, b: TestServer, sandbox: BubblewrapSandbox) => Promise<void>): Promise<void> {
    const rootDir = mkdtempSync(join(tmpdir(), 'pw-sandbox-cluster-'));
    const sandbox = await BubblewrapSandbox.create({ rootDir });
    try {
      cluster = await startTestCluster(2, (index) => ({
        sessions: new QueryRoleResolver(),
        ...(index === 0 ? { codeSandbox: { sandbox, limits: PATIENT_SANDBOX_LIMITS, slots: 2 } } : {}),
      }));
      const [a, b] = cluster.instances as [TestServer, TestServer];
      await test(a, b, sandbox);
    } finally {
      await cluster?.close();
      cluster = undefined;
      await sandbox.close();
      rmSync(rootDir, { recursive: true, force: true });
    }
  }

  it('a run on one instance is seen on the other; a stop asked there reaches the runner; one run per room holds across them', async () => {
    cluster = await startTestCluster(2, () => ({ sessions: new QueryRoleResolver() }));
    const [a, b] = cluster.instances as [TestServer, TestServer];
    const roomId = await a.createRoom();
    const ada = await runPeer(roomUrl(a.wsUrl, roomId, { user: 'ada' }));
    const bob = await runPeer(roomUrl(b.wsUrl, roomId, { user: 'bob' }));
    const runId = newRunId();
    await ada.run({ type: 'start', runId, language: 'python' });
    await ada.run({ type: 'output', runId, stream: 'stdout', text: 'from a\n' });
    await waitFor(() => bob.runs().length === 2, 'bob on b sees the start and the output', 5_000);
    expect(bob.runs()).toEqual([
      expect.objectContaining({
        type: 'started',
        run: expect.objectContaining({ id: runId, startedBy: expect.objectContaining({ name: 'ada' }) }),
      }),
      { type: 'output', runId, stream: 'stdout', text: 'from a\n' },
    ]);

    await bob.run({ type: 'start', runId: newRunId(), language: 'python' });
    await bob.run({ type: 'stop', runId });
    await waitFor(() => ada.runs().some((m) => m.type === 'stop-requested'), 'the stop reaches the runner on a', 5_000);
    expect(ada.runs().find((m) => m.type === 'stop-requested')).toMatchObject({ runId, by: { name: 'bob' } });
    await ada.run({ type: 'exit', runId, status: 'stopped', exitCode: null });
    await waitFor(() => bob.runs().some((m) => m.type === 'finished'), 'bob sees the end', 5_000);
    expect(typesOf(bob.runs())).toEqual(['started', 'output', 'refused:already_running', 'stop-requested', 'finished']);
    expect(bob.runs().at(-1)).toMatchObject({ run: { id: runId, status: 'stopped', outputBytes: 7 } });
  });

  it('a server run on one instance streams to the other, and a stop asked there kills its sandbox', async () => {
    await withSandboxOnFirst(async (a, b, sandbox) => {
      const roomId = await a.createRoom({ language: 'python' });
      await a.server.registry.withRoom(roomId, (room) =>
        room.editTextFor(new OnBehalfOf(SERVER_AUTHOR), (text) =>
          text.insert(0, 'import time\nprint("on a", flush=True)\ntime.sleep(60)\n'),
        ),
      );
      const bob = await runPeer(roomUrl(b.wsUrl, roomId, { user: 'bob' }));
      const started = await api(a, 'POST', `/api/rooms/${roomId}/runs`, {});
      expect(started.status).toBe(202);
      const { runId } = started.body as { runId: string };
      // Unbuffered Python writes the line and its newline apart: the output is whatever the chunks add up to.
      const stdout = () =>
        bob
          .runs()
          .flatMap((m) => (m.type === 'output' ? [m.text] : []))
          .join('');
      await waitFor(() => stdout() === 'on a\n', 'bob on b sees the output', 10_000);
      // Longer than the test servers' idle unload (200 ms): nobody is connected to a, yet its run holds the
      // room there, so the stop asked on b reaches it.
      await new Promise((resolve) => setTimeout(resolve, 600));
      await bob.run({ type: 'stop', runId });
      await waitFor(() => bob.runs().some((m) => m.type === 'finished'), 'the sandbox on a is stopped', 5_000);
      expect(bob.runs().at(-1)).toMatchObject({ type: 'finished', run: { id: runId, status: 'stopped' } });
      await waitFor(async () => (await sandbox.cgroups.children()).length === 0, 'the sandbox is cleaned up', 5_000);
    });
  });

  // Regression: a room deleted on another instance left its sandbox running here to its time limit,
  // and the room created again under the id was refused runs here (409 already_running).
  it('a room deleted on one instance stops its server run on the other, which runs the re-created room at once', async () => {
    await withSandboxOnFirst(async (a, b, sandbox) => {
      const roomId = await a.createRoom({ language: 'python' });
      await a.server.registry.withRoom(roomId, (room) =>
        room.editTextFor(new OnBehalfOf(SERVER_AUTHOR), (text) => text.insert(0, 'import time\ntime.sleep(60)\n')),
      );
      const started = await api(a, 'POST', `/api/rooms/${roomId}/runs`, {});
      expect(started.status).toBe(202);
      const oldRun = (started.body as { runId: string }).runId;
      await waitFor(async () => (await sandbox.cgroups.children()).length > 0, 'the sandbox on a runs', 10_000);

      expect((await api(b, 'DELETE', `/api/rooms/${roomId}`, undefined, a.asOwner(roomId))).status).toBe(204);
      await b.createRoom({ id: roomId, language: 'python' });
      // Well before the 20 s time limit.
      await waitFor(async () => (await sandbox.cgroups.children()).length === 0, 'the sandbox on a is stopped', 5_000);
      const again = await api(a, 'POST', `/api/rooms/${roomId}/runs`, {});
      expect(again.status, JSON.stringify(again.body)).toBe(202);
      const newRun = (again.body as { runId: string }).runId;
      const runs = async () => ((await api(b, 'GET', `/api/rooms/${roomId}/runs`)).body as RunList).runs;
      await waitFor(async () => (await runs())[0]?.status === 'exited', 'the new run ends', 10_000);
      expect((await runs()).map((run) => run.id)).toEqual([newRun]);
      expect(newRun).not.toBe(oldRun);
    });
  });
});
