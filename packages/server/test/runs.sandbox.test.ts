import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIALS, type RunList } from '@pairwise/protocol';
import { waitFor } from './support/clients.js';
import { api, apiError } from './support/http-api.js';
import { closeRawSockets } from './support/raw-socket.js';
import { roomUrl } from './support/roles.js';
import { runPeer } from './support/runs.js';
import {
  expectNothingLeft,
  finishedRun,
  peerOf,
  roomWithCode,
  runAndWatch,
  PATIENT_SANDBOX_LIMITS,
  type SandboxServer,
  startSandboxServer,
  startServerRun,
} from './support/sandbox.js';
import { startTestServer } from './support/test-server.js';

/**
 * RUNNER=sandbox: the server compiles and runs the room's code in bubblewrap; everyone in the room
 * sees it as any run (started, output, finished), it is stored, and anyone allowed may stop it.
 * Needs root, cgroup v1 and /usr/bin/bwrap (CI has them).
 */
describe('server runs in the sandbox', () => {
  let s: SandboxServer;

  beforeAll(async () => {
    s = await startSandboxServer({ limits: PATIENT_SANDBOX_LIMITS });
  });
  afterAll(async () => {
    closeRawSockets();
    await s?.close();
  });

  it('runs Java: stdout and stderr reach a second participant, the run is stored with who ran it', async () => {
    const code =
      'public class Greeter {\n  public static void main(String[] args) {\n    System.out.println("hello from java");\n    System.err.println("a warning");\n  }\n}\n';
    const roomId = await roomWithCode(s, code, 'java');
    const bob = await peerOf(s, roomId, s.bob);
    expect(await api(s.server, 'GET', '/api/capabilities')).toMatchObject({
      status: 200,
      body: { runs: { runner: 'sandbox', serverLanguages: ['java', 'cpp', 'python'] } },
    });
    const runId = await startServerRun(s, roomId, s.ada);
    const seen = await finishedRun(bob, runId);
    expect(seen.messages[0]).toMatchObject({ type: 'started', run: { id: runId, language: 'java', startedBy: { name: 'ada' } } });
    expect(seen).toMatchObject({ stdout: 'hello from java\n', stderr: 'a warning\n', finished: { status: 'exited', exitCode: 0 } });
    const stored = (await api(s.server, 'GET', `/api/rooms/${roomId}/runs`, undefined, s.bob.bearer)).body as RunList;
    expect(stored.runs[0]).toMatchObject({ id: runId, status: 'exited' });
    // Two pipes: which line the server read first is not fixed.
    expect(stored.runs[0]?.output).toHaveLength(2);
    expect(stored.runs[0]?.output).toEqual(
      expect.arrayContaining([
        { stream: 'stdout', text: 'hello from java\n' },
        { stream: 'stderr', text: 'a warning\n' },
      ]),
    );
  });

  // A guest's name reached the store only with their first stored edit: "Run on server" right after
  // joining (or right after a paste still in its commit window) named them "Guest" (browser suite, CI).
  it('names a guest who runs code by the name they joined with, before any edit of theirs is stored', async () => {
    const roomId = await roomWithCode(s, 'print("hi")\n', 'python');
    const first = await fetch(`${s.server.url}/api/rooms/${roomId}`);
    const cookie = first.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .find((pair) => pair?.startsWith(`${CREDENTIALS.guestCookie}=`));
    if (cookie === undefined) throw new Error('no guest cookie');
    const guest = await runPeer(roomUrl(s.server.wsUrl, roomId, { name: 'Zoë', color: '#112233' }), { headers: { cookie } });
    const bob = await peerOf(s, roomId, s.bob);
    const started = await api(s.server, 'POST', `/api/rooms/${roomId}/runs`, {}, { cookie, origin: s.server.url });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const seen = await finishedRun(bob, (started.body as { runId: string }).runId);
    expect(seen.messages[0]).toMatchObject({ type: 'started', run: { startedBy: { name: 'Zoë', color: '#112233' } } });
    guest.ws.close();
  });

  it('runs C++ reading a line the starter types (only the starter), and reports a non-zero exit', async () => {
    const code =
      '#include <iostream>\n#include <string>\nint main() {\n  std::string name;\n  std::getline(std::cin, name);\n  std::cout << "hello " << name << std::endl;\n  return 3;\n}\n';
    const roomId = await roomWithCode(s, code, 'cpp');
    const [ada, bob] = [await peerOf(s, roomId, s.ada), await peerOf(s, roomId, s.bob)];
    const runId = await startServerRun(s, roomId, s.ada);
    await waitFor(() => ada.runs().some((m) => m.type === 'started'), 'ada hears the start');
    await bob.run({ type: 'input', runId, text: 'mallory\n' });
    expect(bob.runs().at(-1)).toMatchObject({ type: 'refused', code: 'not_starter' });
    await ada.run({ type: 'input', runId, text: 'grace\n', end: true });
    const seen = await finishedRun(bob, runId);
    expect(seen).toMatchObject({ stdin: 'grace\n', stdout: 'hello grace\n', finished: { status: 'failed', exitCode: 3 } });
  });

  it('runs Python with its exit code, and reports a compile error with the compiler output', async () => {
    const python = await runAndWatch(s, 'import sys\nprint("py out")\nprint("py err", file=sys.stderr)\nsys.exit(2)\n', 'python');
    expect(python).toMatchObject({
      stdout: 'py out\n',
      stderr: 'py err\n',
      finished: { status: 'failed', exitCode: 2, language: 'python' },
    });

    const broken = await runAndWatch(s, 'int main() { return undefined_name; }\n', 'cpp');
    expect(broken.finished).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(broken.stderr).toMatch(/undefined_name.{1,3} was not declared/);
    expect(broken.stderr).toContain('[compile failed (exit code 1)]');
  });

  it('stops a run when another participant asks', async () => {
    const roomId = await roomWithCode(s, 'import time\nprint("waiting", flush=True)\ntime.sleep(60)\n', 'python');
    const bob = await peerOf(s, roomId, s.bob);
    const runId = await startServerRun(s, roomId, s.ada);
    await waitFor(() => bob.runs().some((m) => m.type === 'output'), 'the program started');
    await bob.run({ type: 'stop', runId });
    const stopped = await finishedRun(bob, runId);
    expect(stopped.messages.find((m) => m.type === 'stop-requested')).toMatchObject({ by: { name: 'bob' } });
    expect(stopped.finished).toMatchObject({ status: 'stopped', exitCode: null });
    expect(stopped.finished.durationMs).toBeLessThan(PATIENT_SANDBOX_LIMITS.runMs);
    await expectNothingLeft(s);
  });

  it('refuses a second run while one goes on, a room whose owner switched running off, a viewer, and a language the server does not run', async () => {
    const roomId = await roomWithCode(s, 'import time\ntime.sleep(60)\n', 'python');
    const runId = await startServerRun(s, roomId, s.ada);
    expect(apiError(await api(s.server, 'POST', `/api/rooms/${roomId}/runs`, {}, s.bob.bearer), 409).code).toBe('already_running');
    const bob = await peerOf(s, roomId, s.bob);
    await bob.run({ type: 'stop', runId });
    await finishedRun(bob, runId);
    expect((await api(s.server, 'PATCH', `/api/rooms/${roomId}`, { runCode: false }, s.ada.bearer)).status).toBe(200);
    expect(apiError(await api(s.server, 'POST', `/api/rooms/${roomId}/runs`, {}, s.ada.bearer), 403).code).toBe('running_off');

    const rust = await roomWithCode(s, 'fn main() {}', 'rust');
    expect(apiError(await api(s.server, 'POST', `/api/rooms/${rust}/runs`, {}, s.ada.bearer), 404).code).toBe('language_not_runnable');
    expect((await api(s.server, 'POST', `/api/rooms/${rust}/runs`, { language: 'rust' }, s.ada.bearer)).status).toBe(400);
    await api(s.server, 'PATCH', `/api/rooms/${rust}`, { visibility: 'public-view' }, s.ada.bearer);
    expect(apiError(await api(s.server, 'POST', `/api/rooms/${rust}/runs`, { language: 'python' }, s.bob.bearer), 403).code).toBe(
      'forbidden',
    );
  });
});

describe('a server with one sandbox slot and a 3 s time limit', () => {
  it('stops an infinite loop at the time limit', async () => {
    const s = await startSandboxServer({ slots: 1 });
    try {
      const looped = await runAndWatch(s, 'while True:\n    pass\n', 'python');
      expect(looped.finished).toMatchObject({ status: 'timed-out', exitCode: null });
      expect(looped.finished.durationMs).toBeGreaterThanOrEqual(3_000);
      expect(looped.stderr).toContain('[time limit of 3 s reached]');
      await expectNothingLeft(s);
    } finally {
      closeRawSockets();
      await s.close();
    }
  });

  it('refuses a run in another room while its one sandbox is busy, with a clear code', async () => {
    const s = await startSandboxServer({ slots: 1 });
    try {
      const busy = await roomWithCode(s, 'import time\ntime.sleep(60)\n', 'python');
      const runId = await startServerRun(s, busy, s.ada);
      const other = await roomWithCode(s, 'print(1)\n', 'python');
      const refused = await api(s.server, 'POST', `/api/rooms/${other}/runs`, {}, s.bob.bearer);
      expect(apiError(refused, 503).code).toBe('sandbox_busy');
      const bob = await peerOf(s, busy, s.bob);
      await bob.run({ type: 'stop', runId });
      await finishedRun(bob, runId);
      await startServerRun(s, other, s.bob);
    } finally {
      closeRawSockets();
      await s.close();
    }
  });
});

describe('server runs off (RUNNER=browser, the default)', () => {
  it('answers 404 server_runs_off and says the runner is the browser', async () => {
    const server = await startTestServer();
    try {
      const roomId = await server.createRoom({ language: 'cpp' });
      expect(apiError(await api(server, 'POST', `/api/rooms/${roomId}/runs`, {}), 404).code).toBe('server_runs_off');
      expect((await api(server, 'GET', '/api/capabilities')).body).toMatchObject({ runs: { runner: 'browser', serverLanguages: [] } });
    } finally {
      await server.close();
    }
  });
});

describe('server shutdown with a run going on', () => {
  it('stops the sandbox, stores the run as ended, and leaves no process, cgroup or directory', async () => {
    const s = await startSandboxServer({ limits: PATIENT_SANDBOX_LIMITS });
    const roomId = await roomWithCode(s, 'import time\nprint("long", flush=True)\ntime.sleep(60)\n', 'python');
    const bob = await peerOf(s, roomId, s.bob);
    const runId = await startServerRun(s, roomId, s.ada);
    await waitFor(() => bob.runs().some((m) => m.type === 'output'), 'the program started');
    await s.server.close({ keepStore: true });
    expect(await s.sandbox.workDirs()).toEqual([]);
    expect(await s.sandbox.cgroups.children()).toEqual([]);
    const [stored] = (await s.server.store.listRuns(roomId, null, 1)).runs;
    expect(stored).toMatchObject({ id: runId, status: 'stopped' });
    expect(stored?.output.at(-1)?.text).toContain('[the server is shutting down]');
    await s.close({ keepStore: true });
    await s.server.store.close();
  });
});
