import * as encoding from 'lib0/encoding';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CLOSE_CODES,
  MESSAGE_PAIRWISE_HELLO,
  MESSAGE_RUN,
  RUN_OUTPUT_MAX_BYTES,
  type RoomRole,
  type RunClientMessage,
  type RunServerMessage,
} from '@pairwise/protocol';
import { MemoryRoomStore } from '../storage/memory-store.js';
import type { StoredRun } from '../storage/runs.js';
import { room as roomRecord } from '../storage/store.contract.js';
import { Room } from '../sync/room.js';
import { FakeSocket, INITIAL_UPDATE, sessionFor } from '../sync/room.testkit.js';
import { TRUNCATED_NOTICE } from './output-cap.js';
import { readRunFrame, runFrame } from './run-frame.js';
import type { SandboxRunner } from './run-runner.js';
import { RunService } from './run-service.js';

const RUN = '11111111-1111-4111-8111-111111111111';
const OTHER_RUN = '22222222-2222-4222-8222-222222222222';
const T0 = Date.UTC(2026, 11, 1, 14, 0);
const rooms: Room[] = [];

afterEach(() => {
  for (const room of rooms.splice(0)) room.destroy();
});

function runMessage(message: RunClientMessage | Record<string, unknown>): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_RUN);
  encoding.writeVarString(encoder, JSON.stringify(message));
  return encoding.toUint8Array(encoder);
}

/** A room wired to a RunService as the registry wires them, on a memory store, with a clock the test moves. */
async function setUp({ saveIntervalMs = 60_000 } = {}) {
  const store = new MemoryRoomStore();
  await store.createRoom(roomRecord('room-test', 1_000), new Uint8Array([0]));
  const { incarnation } = (await store.loadDocument('room-test'))!;
  const relayed: RunServerMessage[] = [];
  const clock = { now: T0 };
  const runs: RunService = new RunService({
    store,
    relay: (_roomId, message) => {
      relayed.push(message);
      room.sendToSubscribers(runFrame(message));
    },
    log: pino({ level: 'silent' }),
    now: () => clock.now,
    saveIntervalMs,
  });
  const room: Room = new Room(
    'room-test',
    [INITIAL_UPDATE],
    {
      onUpdate: () => {},
      onMetaChange: () => {},
      acceptsEdits: () => true,
      onRunMessage: (socket, session, message) => runs.receive(room, socket, session, message),
      onRoleChanged: (socket, role) => runs.roleChanged(room, socket, role),
      onLeave: (socket) => runs.left(room, socket),
    },
    undefined,
    { incarnation },
  );
  rooms.push(room);
  const join = (name: string, { role = 'editor' as RoomRole, hello = true } = {}) => {
    const socket = new FakeSocket(name);
    room.join(socket, sessionFor(name, { role, presence: { name, color: '#123456' } }));
    if (hello) room.receive(socket, Uint8Array.from([MESSAGE_PAIRWISE_HELLO]));
    socket.take();
    return socket;
  };
  /** Run messages the socket was sent since the last call. */
  const heard = (socket: FakeSocket) => socket.take().flatMap((frame) => readRunFrame(frame) ?? []);
  const send = async (socket: FakeSocket, message: RunClientMessage | Record<string, unknown>) => {
    room.receive(socket, runMessage(message));
    await runs.settled();
  };
  const storedRuns = async (): Promise<StoredRun[]> => (await store.listRuns('room-test', null, 10)).runs;
  return { store, incarnation, runs, room, relayed, clock, join, heard, send, storedRuns };
}

describe('RunService', () => {
  it('relays a run to everyone who sent the hello, with the runner from the session, and stores it', async () => {
    const { join, heard, send, clock, storedRuns } = await setUp();
    const [ada, bob, stock] = [join('ada'), join('bob'), join('stock', { hello: false })];
    await send(ada, { type: 'start', runId: RUN, language: 'python' });
    await send(ada, { type: 'output', runId: RUN, stream: 'stdout', text: 'hello\n' });
    clock.now += 1_250;
    await send(ada, { type: 'exit', runId: RUN, status: 'exited', exitCode: 0 });
    const ranBy = { id: 'guest:ada', name: 'ada', color: '#123456' };
    const summary = {
      id: RUN,
      language: 'python',
      startedBy: ranBy,
      startedAt: new Date(T0).toISOString(),
      outputBytes: 6,
      truncated: false,
    };
    const expected = [
      { type: 'started', run: { ...summary, outputBytes: 0, finishedAt: null, status: 'running', exitCode: null, durationMs: null } },
      { type: 'output', runId: RUN, stream: 'stdout', text: 'hello\n' },
      {
        type: 'finished',
        run: { ...summary, finishedAt: new Date(T0 + 1_250).toISOString(), status: 'exited', exitCode: 0, durationMs: 1_250 },
      },
    ];
    expect(heard(bob)).toEqual(expected);
    expect(heard(ada)).toEqual(expected);
    expect(stock.sent).toEqual([]);
    expect(await storedRuns()).toEqual([
      expect.objectContaining({ id: RUN, status: 'exited', startedBy: ranBy, output: [{ stream: 'stdout', text: 'hello\n' }] }),
    ]);
  });

  it('refuses a second start while a run goes on, and output or exit from anyone but the runner', async () => {
    const { join, heard, send, storedRuns } = await setUp();
    const [ada, bob] = [join('ada'), join('bob')];
    await send(ada, { type: 'start', runId: RUN, language: 'python' });
    heard(ada);
    heard(bob);
    await send(bob, { type: 'start', runId: OTHER_RUN, language: 'javascript' });
    await send(bob, { type: 'output', runId: RUN, stream: 'stdout', text: 'forged' });
    await send(bob, { type: 'exit', runId: RUN, status: 'exited', exitCode: 0 });
    await send(ada, { type: 'output', runId: OTHER_RUN, stream: 'stdout', text: 'wrong id' });
    expect(heard(bob).map((m) => m.type === 'refused' && m.code)).toEqual(['already_running', 'not_your_run', 'not_your_run']);
    expect(heard(ada)).toEqual([expect.objectContaining({ type: 'refused', runId: OTHER_RUN, code: 'not_your_run' })]);
    expect(await storedRuns()).toEqual([expect.objectContaining({ id: RUN, status: 'running', output: [] })]);
  });

  it('refuses a start while the owner switched running off, and a run id used before', async () => {
    const { room, join, heard, send, relayed } = await setUp();
    const ada = join('ada');
    room.changeMeta({ runCode: false });
    ada.take();
    await send(ada, { type: 'start', runId: RUN, language: 'python' });
    expect(heard(ada)).toEqual([expect.objectContaining({ type: 'refused', code: 'running_off' })]);
    room.changeMeta({ runCode: true });
    await send(ada, { type: 'start', runId: RUN, language: 'python' });
    await send(ada, { type: 'exit', runId: RUN, status: 'stopped', exitCode: null });
    ada.take();
    relayed.length = 0;
    await send(ada, { type: 'start', runId: RUN, language: 'python' });
    expect(heard(ada)).toEqual([expect.objectContaining({ type: 'refused', code: 'run_id_taken' })]);
    expect(relayed).toEqual([]);
  });

  it('ignores a viewer’s run messages (role matrix), and answers nobody who did not send the hello', async () => {
    const { join, heard, send, relayed, storedRuns } = await setUp();
    const [viewer, silent] = [join('vera', { role: 'viewer' }), join('sam', { hello: false })];
    await send(viewer, { type: 'start', runId: RUN, language: 'python' });
    await send(silent, { type: 'start', runId: OTHER_RUN, language: 'python' });
    expect([heard(viewer), silent.sent, relayed, await storedRuns()]).toEqual([[], [], [], []]);
  });

  it('closes a socket whose run message is not valid (1007), like any malformed frame', async () => {
    const { join, send } = await setUp();
    const ada = join('ada');
    await send(ada, { type: 'start', runId: 'not-a-uuid', language: 'python' });
    expect(ada.closes).toEqual([{ code: CLOSE_CODES.invalidMessage, reason: 'invalid message' }]);
  });

  it('keeps RUN_OUTPUT_MAX_BYTES of output (UTF-8), relays a notice once, then drops the rest', async () => {
    const { join, heard, send, storedRuns } = await setUp();
    const [ada, bob] = [join('ada'), join('bob')];
    await send(ada, { type: 'start', runId: RUN, language: 'python' });
    const chunk = 'é'.repeat(8 * 1024); // 16 KiB of UTF-8 in 8 Ki characters
    for (let i = 0; i < 5; i++) await send(ada, { type: 'output', runId: RUN, stream: 'stdout', text: chunk });
    await send(ada, { type: 'output', runId: RUN, stream: 'stderr', text: 'more' });
    await send(ada, { type: 'exit', runId: RUN, status: 'exited', exitCode: 0 });
    const messages = heard(bob);
    const outputs = messages.flatMap((m) => (m.type === 'output' ? [m.text] : []));
    expect(outputs).toEqual([chunk, chunk, chunk, chunk, TRUNCATED_NOTICE]);
    expect(messages.at(-1)).toMatchObject({ type: 'finished', run: { outputBytes: RUN_OUTPUT_MAX_BYTES, truncated: true } });
    const [stored] = await storedRuns();
    expect(stored?.output).toEqual([{ stream: 'stdout', text: chunk.repeat(4) }]);
    expect(stored?.truncated).toBe(true);
  });

  it('ends a run as lost when its runner leaves or may no longer run code', async () => {
    const { room, join, heard, send, storedRuns, clock } = await setUp();
    const [ada, bob] = [join('ada'), join('bob')];
    await send(ada, { type: 'start', runId: RUN, language: 'python' });
    await send(ada, { type: 'output', runId: RUN, stream: 'stdout', text: 'partial' });
    room.leave(ada);
    clock.now += 10;
    await send(bob, { type: 'start', runId: OTHER_RUN, language: 'python' });
    room.changeRole(bob, 'viewer');
    await send(bob, { type: 'stop', runId: OTHER_RUN });
    const finished = heard(bob).flatMap((m) => (m.type === 'finished' ? [[m.run.id, m.run.status, m.run.outputBytes]] : []));
    expect(finished).toEqual([
      [RUN, 'lost', 7],
      [OTHER_RUN, 'lost', 0],
    ]);
    expect((await storedRuns()).map((run) => [run.id, run.status, run.output])).toEqual([
      [OTHER_RUN, 'lost', []],
      [RUN, 'lost', [{ stream: 'stdout', text: 'partial' }]],
    ]);
  });

  it('relays a stop request from any editor with who asked; the run ends when its runner reports it', async () => {
    const { join, heard, send } = await setUp();
    const [ada, bob] = [join('ada'), join('bob')];
    await send(ada, { type: 'start', runId: RUN, language: 'python' });
    heard(ada);
    heard(bob);
    await send(bob, { type: 'stop', runId: OTHER_RUN });
    await send(bob, { type: 'stop', runId: RUN });
    expect(heard(ada)).toEqual([{ type: 'stop-requested', runId: RUN, by: { id: 'guest:bob', name: 'bob', color: '#123456' } }]);
    expect(heard(bob).map((m) => m.type === 'refused' && m.code)).toEqual(['not_running', false]);
    await send(ada, { type: 'exit', runId: RUN, status: 'stopped', exitCode: null });
    expect(heard(bob)).toEqual([expect.objectContaining({ type: 'finished', run: expect.objectContaining({ status: 'stopped' }) })]);
  });

  it('writes a running run’s output every save interval, so a restart keeps what it printed', async () => {
    const { join, send, store } = await setUp({ saveIntervalMs: 20 });
    const ada = join('ada');
    await send(ada, { type: 'start', runId: RUN, language: 'python' });
    await send(ada, { type: 'output', runId: RUN, stream: 'stdout', text: 'so far' });
    await expect
      .poll(async () => (await store.listRuns('room-test', null, 1)).runs[0]?.output, { timeout: 2_000 })
      .toEqual([{ stream: 'stdout', text: 'so far' }]);
  });

  it('ends the runs a dead instance left running when the room loads, and the recently written ones a little later', async () => {
    const { runs, room, store, incarnation, join, heard, clock } = await setUp({ saveIntervalMs: 30 });
    const left = (id: string): StoredRun => ({
      id,
      language: 'python',
      startedBy: { id: 'guest:x', name: 'x', color: '#000000' },
      startedAt: T0 - 10_000,
      finishedAt: null,
      status: 'running',
      exitCode: null,
      durationMs: null,
      output: [{ stream: 'stdout', text: 'before the crash' }],
      outputBytes: 16,
      truncated: false,
    });
    await store.createRun('room-test', incarnation, left(RUN), T0 - 5_000);
    await store.createRun('room-test', incarnation, left(OTHER_RUN), T0);
    const bob = join('bob');
    runs.loaded(room);
    await runs.settled();
    expect(heard(bob)).toEqual([expect.objectContaining({ type: 'finished', run: expect.objectContaining({ id: RUN, status: 'lost' }) })]);
    clock.now += 1_000;
    await expect
      .poll(() => heard(bob), { timeout: 2_000 })
      .toEqual([expect.objectContaining({ type: 'finished', run: expect.objectContaining({ id: OTHER_RUN, status: 'lost' }) })]);
    expect((await store.listRuns('room-test', null, 10)).runs.map((run) => run.status)).toEqual(['lost', 'lost']);
    await runs.close();
  });

  it('a run another instance ended, whose finished event was lost, stops blocking starts once storage shows it ended', async () => {
    const { runs, store, incarnation, join, heard, send } = await setUp();
    const startedBy = { id: 'guest:x', name: 'x', color: '#000000' };
    const elsewhere: StoredRun = {
      id: OTHER_RUN,
      language: 'python',
      startedBy,
      startedAt: T0,
      finishedAt: null,
      status: 'running',
      exitCode: null,
      durationMs: null,
      output: [],
      outputBytes: 0,
      truncated: false,
    };
    await store.createRun('room-test', incarnation, elsewhere, T0);
    const summary = { ...elsewhere, startedAt: new Date(T0).toISOString(), finishedAt: null };
    runs.heard('room-test', { type: 'started', run: summary });
    // It ended there and was stored, but this instance never heard `finished`.
    await store.saveRun('room-test', { ...elsewhere, status: 'exited', exitCode: 0, finishedAt: T0 + 100, durationMs: 100 }, T0 + 100);
    const ada = join('ada');
    await send(ada, { type: 'start', runId: RUN, language: 'python' });
    expect(heard(ada).map((m) => m.type === 'refused' && m.code)).toEqual(['already_running']);
    await send(ada, { type: 'start', runId: RUN, language: 'python' });
    expect(heard(ada).map((m) => m.type)).toEqual(['started']);
    await runs.close();
  });

  it("a server run takes input from its starter only (echoed as stdin), not a tab's run; any editor's stop kills it here or from another instance", async () => {
    const { runs, room, join, heard, send, storedRuns } = await setUp();
    const [ada, bob] = [join('ada'), join('bob')];
    const calls: string[] = [];
    const runner: SandboxRunner = {
      kind: 'sandbox',
      stop: () => calls.push('stop'),
      input: (text) => calls.push(`input ${text}`),
      endInput: () => calls.push('end'),
    };
    const starter = { id: 'guest:ada', name: 'ada', color: '#123456' };
    expect(await runs.startServerRun(room, starter, RUN, 'cpp', runner)).toBeNull();
    heard(ada);
    heard(bob);
    await send(bob, { type: 'input', runId: RUN, text: 'mallory\n' });
    expect(heard(bob)).toEqual([expect.objectContaining({ type: 'refused', code: 'not_starter' })]);
    await send(ada, { type: 'input', runId: RUN, text: 'grace\n', end: true });
    expect(calls).toEqual(['input grace\n', 'end']);
    expect(heard(bob)).toEqual([{ type: 'output', runId: RUN, stream: 'stdin', text: 'grace\n' }]);
    heard(ada);
    // Only the tab that started a run reports it: a server run's output comes from the sandbox.
    await send(ada, { type: 'exit', runId: RUN, status: 'exited', exitCode: 0 });
    expect(heard(ada)).toEqual([expect.objectContaining({ type: 'refused', code: 'not_your_run' })]);

    await send(bob, { type: 'stop', runId: RUN });
    expect(calls.at(-1)).toBe('stop');
    runs.heard(room.id, { type: 'stop-requested', runId: RUN, by: starter });
    expect(calls.filter((call) => call === 'stop')).toHaveLength(2);
    runs.serverOutput(room.id, RUN, 'stderr', '[stopped]\n');
    runs.serverFinished(room.id, RUN, 'stopped', null);
    await runs.settled();
    expect(await storedRuns()).toEqual([expect.objectContaining({ id: RUN, status: 'stopped', startedBy: starter })]);

    // A tab's run takes no input this way.
    await send(ada, { type: 'start', runId: OTHER_RUN, language: 'python' });
    heard(ada);
    await send(ada, { type: 'input', runId: OTHER_RUN, text: 'x' });
    expect(heard(ada)).toEqual([expect.objectContaining({ type: 'refused', code: 'not_server_run' })]);
  });

  // Regression: a deleted room's run kept the room's one-run slot (a room re-created under the id was
  // refused runs), its sandbox ran on, and its end was stored and relayed to whatever room had the id.
  it('ends the run of a deleted room with it: a sandbox is killed, the slot is free, and nothing of the run follows', async () => {
    const { runs, room, incarnation, relayed, join, heard, send, storedRuns } = await setUp();
    const ada = join('ada');
    const calls: string[] = [];
    const runner: SandboxRunner = { kind: 'sandbox', stop: (why) => calls.push(`stop ${why}`), input: () => {}, endInput: () => {} };
    const starter = { id: 'guest:ada', name: 'ada', color: '#123456' };
    expect(await runs.startServerRun(room, starter, RUN, 'python', runner)).toBeNull();
    runs.roomDeleted(room.id, 'another-life');
    expect(calls).toEqual([]);
    runs.roomDeleted(room.id, incarnation);
    expect(calls).toEqual(['stop the room was deleted']);
    const relayedBefore = relayed.length;
    runs.serverOutput(room.id, RUN, 'stdout', 'late\n');
    runs.serverFinished(room.id, RUN, 'stopped', null);
    await runs.settled();
    expect(relayed.slice(relayedBefore)).toEqual([]);
    // The store's delete takes the record as it was; nothing is written after.
    expect(await storedRuns()).toEqual([expect.objectContaining({ id: RUN, status: 'running', outputBytes: 0 })]);
    heard(ada);
    await send(ada, { type: 'start', runId: OTHER_RUN, language: 'python' });
    expect(heard(ada).map((m) => m.type)).toEqual(['started']);

    // A tab's run ends too, and its runner leaving later ends nothing (no `lost` stored or relayed).
    runs.roomDeleted(room.id, incarnation);
    room.leave(ada);
    await runs.settled();
    expect(relayed.filter((m) => m.type === 'finished')).toEqual([]);
  });

  it('refuses a start its room’s deletion overtook (room_not_found) and never announces it', async () => {
    const { runs, room, incarnation, relayed } = await setUp();
    const calls: string[] = [];
    const runner: SandboxRunner = { kind: 'sandbox', stop: () => calls.push('stop'), input: () => {}, endInput: () => {} };
    const starting = runs.startServerRun(room, { id: 'guest:ada', name: 'ada', color: '#123456' }, RUN, 'python', runner);
    runs.roomDeleted(room.id, incarnation);
    expect(await starting).toBe('room_not_found');
    expect(relayed).toEqual([]);
    expect(calls).toEqual(['stop']);
  });
});
