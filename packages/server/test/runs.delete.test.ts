import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES, type RunList, type RunServerMessage } from '@pairwise/protocol';
import { RUN_SAVE_INTERVAL_MS } from '../src/runs/run-service.js';
import { waitFor } from './support/clients.js';
import { api } from './support/http-api.js';
import { closeOf, closeRawSockets } from './support/raw-socket.js';
import { type RunPeer, newRunId } from './support/runs.js';
import {
  expectNothingLeft,
  finishedRun,
  PATIENT_SANDBOX_LIMITS,
  peerOf,
  roomWithCode,
  type SandboxServer,
  startSandboxServer,
  startServerRun,
} from './support/sandbox.js';

/**
 * A room deleted while a run goes on takes the run with it: the sandbox is killed, the room's one-run
 * slot is freed, and a room created again under the same id neither refuses runs nor hears or stores
 * anything of the old one. Needs root, cgroup v1 and /usr/bin/bwrap, like every sandbox test.
 */
describe('runs of a deleted room', () => {
  let s: SandboxServer;

  beforeAll(async () => {
    s = await startSandboxServer({ limits: PATIENT_SANDBOX_LIMITS });
  });
  afterAll(async () => {
    closeRawSockets();
    await s?.close();
  });

  async function deleteRoom(roomId: string): Promise<void> {
    expect((await api(s.server, 'DELETE', `/api/rooms/${roomId}`, undefined, s.ada.bearer)).status).toBe(204);
  }

  async function storedRuns(roomId: string): Promise<RunList['runs']> {
    const listed = await api(s.server, 'GET', `/api/rooms/${roomId}/runs`, undefined, s.bob.bearer);
    expect(listed.status).toBe(200);
    return (listed.body as RunList).runs;
  }

  const about = (peer: RunPeer, runId: string): RunServerMessage[] =>
    peer.runs().filter((m) => ('runId' in m ? m.runId === runId : m.run.id === runId));

  // Regression: the sandbox ran on to its time limit, the run kept the room's one-run slot (the room
  // created again under the id answered 409 already_running), and the old run's end was relayed to it.
  it('kills a server run at once; the room re-created under its id runs code at once and sees nothing of the old run', async () => {
    const roomId = await roomWithCode(s, 'import time\nwhile True:\n    print("old", flush=True)\n    time.sleep(0.2)\n', 'python');
    const watcher = await peerOf(s, roomId, s.bob);
    const oldRun = await startServerRun(s, roomId, s.ada);
    await waitFor(() => watcher.runs().some((m) => m.type === 'output'), 'the old program started');

    const deletedAt = performance.now();
    await deleteRoom(roomId);
    // Well before the 20 s time limit: no process, cgroup or working directory left.
    await expectNothingLeft(s);
    expect(performance.now() - deletedAt).toBeLessThan(5_000);

    await roomWithCode(s, 'print("new room")\n', 'python', roomId);
    const newcomer = await peerOf(s, roomId, s.bob);
    const newRun = await startServerRun(s, roomId, s.ada);
    expect((await finishedRun(newcomer, newRun)).stdout).toBe('new room\n');
    // Longer than a running run's save interval: a late write of the old run would be stored by now.
    await new Promise((resolve) => setTimeout(resolve, RUN_SAVE_INTERVAL_MS + 500));
    expect((await storedRuns(roomId)).map((run) => run.id)).toEqual([newRun]);
    expect(about(newcomer, oldRun)).toEqual([]);
  });

  it("frees a browser run's slot; its runner's late frames reach nothing and nothing of it is stored", async () => {
    const roomId = await roomWithCode(s, 'print("tab")\n', 'python');
    const runner = await peerOf(s, roomId, s.ada);
    const oldRun = newRunId();
    await runner.run({ type: 'start', runId: oldRun, language: 'python' });
    await runner.run({ type: 'output', runId: oldRun, stream: 'stdout', text: 'old\n' });

    await deleteRoom(roomId);
    expect((await closeOf(runner, 'the runner tab')).code).toBe(CLOSE_CODES.roomNotFound);
    await roomWithCode(s, 'print("new room")\n', 'python', roomId);
    const newcomer = await peerOf(s, roomId, s.bob);
    // The old tab comes back to the id and goes on reporting its run.
    const oldTab = await peerOf(s, roomId, s.ada);
    await oldTab.run({ type: 'output', runId: oldRun, stream: 'stdout', text: 'late\n' });
    await oldTab.run({ type: 'exit', runId: oldRun, status: 'exited', exitCode: 0 });
    expect(about(oldTab, oldRun).map((m) => (m.type === 'refused' ? m.code : m.type))).toEqual(['not_your_run', 'not_your_run']);

    const newRun = newRunId();
    await newcomer.run({ type: 'start', runId: newRun, language: 'python' });
    await waitFor(() => about(newcomer, newRun).length > 0, 'the new run is answered');
    expect(about(newcomer, newRun)[0]).toMatchObject({ type: 'started', run: { id: newRun } });
    await newcomer.run({ type: 'exit', runId: newRun, status: 'exited', exitCode: 0 });
    await waitFor(async () => (await storedRuns(roomId))[0]?.status === 'exited', 'the new run is stored as ended');
    expect((await storedRuns(roomId)).map((run) => run.id)).toEqual([newRun]);
    expect(about(newcomer, oldRun)).toEqual([]);
  });
});
