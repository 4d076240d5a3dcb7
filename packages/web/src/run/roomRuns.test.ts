import { afterEach, describe, expect, it, vi } from 'vitest';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { MESSAGE_RUN, RUN_CHUNK_MAX_CHARS, type RunClientMessage, type RunServerMessage, type RunSummary } from '@pairwise/protocol';
import { RoomRuns } from './roomRuns';
import { providerRunTransport, type RunTransport } from './runFrames';
import type { CodeRunner, RunEnd, RunIo } from './runner';

/** A runner the test drives: it hands out the run's io and ends the run when told. */
class FakeRunner implements CodeRunner {
  readonly language = 'javascript' as const;
  io: RunIo | null = null;
  stops = 0;
  private finish: ((end: RunEnd) => void) | null = null;
  run(_code: string, io: RunIo): Promise<RunEnd> {
    this.io = io;
    return new Promise((resolve) => (this.finish = resolve));
  }
  end(end: RunEnd): void {
    this.finish?.(end);
  }
  stop(): void {
    this.stops++;
    this.end({ status: 'stopped', exitCode: null });
  }
  warmUp = async () => {};
  dispose = () => {};
}

/** The room's socket as y-websocket has it: frames sent, and the handler table the transport fills in. */
function fakeSocket() {
  const sent: RunClientMessage[] = [];
  const provider = {
    ws: {
      OPEN: 1,
      readyState: 1,
      send: (frame: Uint8Array) => {
        const decoder = decoding.createDecoder(frame);
        expect(decoding.readVarUint(decoder)).toBe(MESSAGE_RUN);
        sent.push(JSON.parse(decoding.readVarString(decoder)) as RunClientMessage);
      },
    },
    messageHandlers: [] as ((...args: never[]) => void)[],
  };
  const transport: RunTransport = providerRunTransport(provider as never);
  return { sent, transport, provider };
}

const me = { id: 'me', name: 'Ada', color: '#ff0000' };
const bruno = { id: 'u-bruno', name: 'Bruno', color: '#00ff00' };

function summary(id: string, patch: Partial<RunSummary> = {}): RunSummary {
  return {
    id,
    language: 'typescript',
    startedBy: bruno,
    startedAt: '2026-12-01T10:00:00.000Z',
    finishedAt: null,
    status: 'running',
    exitCode: null,
    durationMs: null,
    outputBytes: 0,
    truncated: false,
    ...patch,
  };
}

function setUp() {
  const socket = fakeSocket();
  const runner = new FakeRunner();
  const runs = new RoomRuns({ transport: socket.transport, runnerFor: () => runner, me: () => me, timeLimitMs: 5000 });
  socket.transport.listen((message) => runs.receive(message));
  return { ...socket, runner, runs };
}

afterEach(() => vi.useRealTimers());

describe('RoomRuns', () => {
  it('reports this tab’s run: start, output in batches of at most a chunk, then exit', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { sent, runner, runs } = setUp();
    const done = runs.start('console.log(1)', 'javascript');
    const io = runner.io as RunIo;
    expect(io.timeLimitMs).toBe(5000);
    io.onOutput('stdout', 'one\n');
    io.onOutput('stdout', 'two\n');
    io.onOutput('stderr', 'x'.repeat(RUN_CHUNK_MAX_CHARS + 10));
    expect(sent.map((m) => m.type)).toEqual(['start']);
    await vi.advanceTimersByTimeAsync(50);
    runner.end({ status: 'exited', exitCode: 0 });
    await done;

    const runId = sent[0]?.runId;
    expect(sent[0]).toEqual({ type: 'start', runId, language: 'javascript' });
    expect(sent.slice(1).map((m) => (m.type === 'output' ? [m.stream, m.text.length] : m.type))).toEqual([
      ['stdout', 8],
      ['stderr', RUN_CHUNK_MAX_CHARS],
      ['stderr', 10],
      'exit',
    ]);
    expect(sent.at(-1)).toEqual({ type: 'exit', runId, status: 'exited', exitCode: 0 });
    const [run] = runs.getState().runs;
    expect(run).toMatchObject({ id: runId, mine: true, status: 'exited', exitCode: 0, startedBy: me });
    expect(run?.output.map((chunk) => chunk.stream)).toEqual(['stdout', 'stderr']);
    expect(run?.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('a program asking for input shows the input line; the typed line is echoed as stdin', async () => {
    const { sent, runner, runs } = setUp();
    const done = runs.start('…', 'javascript');
    const io = runner.io as RunIo;
    io.onOutput('stdout', 'Name? ');
    const line = io.readStdin('Name? ');
    // The prompt went out before the program waits.
    expect(sent.map((m) => m.type)).toEqual(['start', 'output']);
    expect(runs.getState().input).toEqual({ runId: sent[0]?.runId, prompt: 'Name? ' });
    runs.answerInput('Ada');
    await expect(line).resolves.toBe('Ada');
    expect(runs.getState().input).toBeNull();
    runner.end({ status: 'exited', exitCode: 0 });
    await done;
    expect(sent.filter((m) => m.type === 'output').map((m) => m.type === 'output' && [m.stream, m.text])).toEqual([
      ['stdout', 'Name? '],
      ['stdin', 'Ada\n'],
    ]);
  });

  it('stops this tab’s run when the server relays a stop request for it', async () => {
    const { sent, runner, runs, provider } = setUp();
    const done = runs.start('while (true) {}', 'javascript');
    const runId = sent[0]?.runId as string;
    deliver(provider, { type: 'stop-requested', runId, by: bruno });
    await done;
    expect(runner.stops).toBe(1);
    expect(sent.at(-1)).toEqual({ type: 'exit', runId, status: 'stopped', exitCode: null });
    expect(runs.getState().runs[0]).toMatchObject({ status: 'stopped', stopRequestedBy: bruno });
  });

  it('asks the server to stop someone else’s run; shows its output as it arrives, and how it ended', () => {
    const { sent, runs, provider } = setUp();
    deliver(provider, { type: 'started', run: summary('r1') });
    deliver(provider, { type: 'output', runId: 'r1', stream: 'stdout', text: 'hello ' });
    deliver(provider, { type: 'output', runId: 'r1', stream: 'stdout', text: 'world\n' });
    runs.stop('r1');
    expect(sent).toEqual([{ type: 'stop', runId: 'r1' }]);
    deliver(provider, { type: 'finished', run: summary('r1', { status: 'stopped', durationMs: 1200 }) });
    expect(runs.getState().runs).toEqual([
      expect.objectContaining({
        id: 'r1',
        mine: false,
        status: 'stopped',
        durationMs: 1200,
        startedBy: bruno,
        output: [{ stream: 'stdout', text: 'hello world\n' }],
      }),
    ]);
  });

  it('ignores the server’s relay of this tab’s own output (shown already) and frames that are not run messages', async () => {
    const { sent, runner, runs, provider } = setUp();
    const done = runs.start('…', 'javascript');
    const runId = sent[0]?.runId as string;
    deliver(provider, { type: 'started', run: summary(runId, { startedBy: { ...me, id: 'server-id' } }) });
    deliver(provider, { type: 'output', runId, stream: 'stdout', text: 'echo' });
    deliverRaw(provider, '{"type":"output","runId":7}');
    deliverRaw(provider, 'not json');
    runner.end({ status: 'exited', exitCode: 0 });
    await done;
    const [run] = runs.getState().runs;
    expect(run?.output).toEqual([]);
    expect(run?.startedBy.id).toBe('server-id');
  });

  it('a refused run stops here and says why', async () => {
    const { sent, runner, runs, provider } = setUp();
    const done = runs.start('…', 'javascript');
    const runId = sent[0]?.runId as string;
    deliver(provider, { type: 'refused', runId, code: 'runs_off', message: 'Running code is switched off in this room.' });
    await done;
    expect(runner.stops).toBe(1);
    expect(runs.getState().runs[0]?.refusal).toBe('Running code is switched off in this room.');
  });

  it('runs one program at a time per tab; Clear empties the view and keeps cleared runs out of later pages', async () => {
    const { sent, runner, runs } = setUp();
    const first = runs.start('…', 'javascript');
    await runs.start('…', 'javascript');
    expect(sent.filter((m) => m.type === 'start')).toHaveLength(1);
    runner.end({ status: 'exited', exitCode: 0 });
    await first;
    const finished = runs.getState().runs[0];
    runs.clear();
    expect(runs.getState().runs).toEqual([]);
    runs.addLoaded([
      { ...summary('old'), output: [] },
      { ...(finished as NonNullable<typeof finished>), output: [] },
    ]);
    expect(runs.getState().runs.map((run) => run.id)).toEqual(['old']);
  });
});

type FakeProvider = ReturnType<typeof fakeSocket>['provider'];

/** A MESSAGE_RUN frame's payload as y-websocket hands it to the handler (after the type). */
function deliverRaw(provider: FakeProvider, json: string): void {
  const payload = encoding.createEncoder();
  encoding.writeVarString(payload, json);
  const handler = provider.messageHandlers[MESSAGE_RUN] as unknown as (reply: encoding.Encoder, decoder: decoding.Decoder) => void;
  handler(encoding.createEncoder(), decoding.createDecoder(encoding.toUint8Array(payload)));
}

function deliver(provider: FakeProvider, message: RunServerMessage): void {
  deliverRaw(provider, JSON.stringify(message));
}
