import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { RUN_OUTPUT_MAX_BYTES, type RunServerMessage, type RunSummary } from '@pairwise/protocol';
import { BubblewrapSandbox } from '../../src/runs/sandbox/bubblewrap-sandbox.js';
import type { ServerRunLimits } from '../../src/runs/sandbox/languages.js';
import { OnBehalfOf, SERVER_AUTHOR } from '../../src/sync/history-authors.js';
import { type SignedIn, signUp } from './accounts.js';
import { waitFor } from './clients.js';
import { api } from './http-api.js';
import { roomUrl } from './roles.js';
import { type RunPeer, runPeer } from './runs.js';
import { startTestServer, type TestServer, type TestServerOptions } from './test-server.js';

const MiB = 1024 * 1024;

/** Small limits, so the limit tests end fast; Java still compiles within them. */
export const TEST_SANDBOX_LIMITS: ServerRunLimits = {
  runMs: 3_000,
  compileMs: 20_000,
  memoryBytes: 256 * MiB,
  pids: 32,
  maxOutputBytes: RUN_OUTPUT_MAX_BYTES,
};

/** A server with RUNNER=sandbox (bubblewrap, in a private root the test checks is left empty). */
export interface SandboxServer {
  server: TestServer;
  sandbox: BubblewrapSandbox;
  ada: SignedIn;
  bob: SignedIn;
  close(options?: { keepStore?: boolean }): Promise<void>;
}

/**
 * Time enough for a run a test stops (or a shutdown ends) to still be going on a loaded CI machine,
 * where starting Python alone may take seconds.
 */
export const PATIENT_SANDBOX_LIMITS: ServerRunLimits = { ...TEST_SANDBOX_LIMITS, runMs: 20_000 };

export async function startSandboxServer(
  { slots = 4, limits = TEST_SANDBOX_LIMITS }: { slots?: number; limits?: ServerRunLimits } = {},
  options: TestServerOptions = {},
): Promise<SandboxServer> {
  const rootDir = mkdtempSync(join(tmpdir(), 'pw-sandbox-test-'));
  const sandbox = await BubblewrapSandbox.create({ rootDir });
  const server = await startTestServer({ codeSandbox: { sandbox, limits, slots }, ...options });
  const [ada, bob] = [await signUp(server, 'ada'), await signUp(server, 'bob')];
  return {
    server,
    sandbox,
    ada,
    bob,
    async close(closeOptions) {
      await server.close(closeOptions);
      await sandbox.close();
      rmSync(rootDir, { recursive: true, force: true });
    },
  };
}

/** A public room of ada's holding `code`; `language` is the room's; `id` names it (a new id when omitted). */
export async function roomWithCode(s: SandboxServer, code: string, language = 'python', id?: string): Promise<string> {
  const created = await api(s.server, 'POST', '/api/rooms', { language, id }, s.ada.bearer);
  expect(created.status).toBe(201);
  const roomId = (created.body as { id: string }).id;
  await s.server.server.registry.withRoom(roomId, (room) =>
    room.editTextFor(new OnBehalfOf(SERVER_AUTHOR), (text) => {
      text.delete(0, text.length);
      text.insert(0, code);
    }),
  );
  return roomId;
}

export function peerOf(s: SandboxServer, roomId: string, who: SignedIn): Promise<RunPeer> {
  return runPeer(roomUrl(s.server.wsUrl, roomId, { token: who.token }));
}

/** Starts a server run as `who`; the run's id. */
export async function startServerRun(s: SandboxServer, roomId: string, who: SignedIn, language?: string): Promise<string> {
  const response = await api(s.server, 'POST', `/api/rooms/${roomId}/runs`, language ? { language } : {}, who.bearer);
  expect(response.status, JSON.stringify(response.body)).toBe(202);
  return (response.body as { runId: string }).runId;
}

/** What a peer saw of one run once it finished: its summary and its output by stream. */
export interface SeenRun {
  finished: RunSummary;
  stdout: string;
  stderr: string;
  stdin: string;
  messages: RunServerMessage[];
}

export async function finishedRun(peer: RunPeer, runId: string, timeoutMs = 25_000): Promise<SeenRun> {
  const mine = () => peer.runs().filter((m) => ('runId' in m ? m.runId === runId : m.run.id === runId));
  await waitFor(() => mine().some((m) => m.type === 'finished'), `run ${runId} finishes`, timeoutMs);
  const messages = mine();
  const text = (stream: string) => messages.flatMap((m) => (m.type === 'output' && m.stream === stream ? [m.text] : [])).join('');
  const finished = messages.find((m) => m.type === 'finished');
  if (finished?.type !== 'finished') throw new Error('unreachable: waited for finished');
  return { finished: finished.run, stdout: text('stdout'), stderr: text('stderr'), stdin: text('stdin'), messages };
}

/** Runs `code` as ada, watched by bob; what bob saw. */
export async function runAndWatch(s: SandboxServer, code: string, language: string): Promise<SeenRun> {
  const roomId = await roomWithCode(s, code, language);
  const bob = await peerOf(s, roomId, s.bob);
  const runId = await startServerRun(s, roomId, s.ada);
  return finishedRun(bob, runId);
}

/** Nothing of finished runs is left: no working directory, no cgroup. */
export async function expectNothingLeft(s: SandboxServer): Promise<void> {
  await waitFor(
    async () => (await s.sandbox.workDirs()).length === 0 && (await s.sandbox.cgroups.children()).length === 0,
    'sandbox leftovers removed',
    5_000,
  );
}
