import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunIo } from '../runner';
import type { PageMessage, ProgramMessage } from './programEnvironment';
import { JavaScriptRunner, type ProgramHost, type ProgramWorker } from './javascriptRunner';
import type { ProgramScript } from './programScript';

class FakeWorker implements ProgramWorker {
  onmessage: ((event: MessageEvent<ProgramMessage>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  received: PageMessage[] = [];
  terminated = false;
  postMessage(message: PageMessage): void {
    this.received.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
  emit(message: ProgramMessage): void {
    this.onmessage?.({ data: message } as MessageEvent<ProgramMessage>);
  }
}

function fakeHost(script: ProgramScript = { ok: true, script: 'program' }) {
  const workers: FakeWorker[] = [];
  const host: ProgramHost = {
    transpile: async () => script,
    start: () => {
      const worker = new FakeWorker();
      workers.push(worker);
      return worker;
    },
    warmUp: async () => {},
    dispose: () => {},
  };
  return { host, workers };
}

function recordingIo(timeLimitMs = 10_000, answers: (string | null)[] = []) {
  const output: [string, string][] = [];
  const prompts: string[] = [];
  const io: RunIo = {
    onOutput: (stream, text) => output.push([stream, text]),
    readStdin: async (prompt) => {
      prompts.push(prompt);
      return answers.shift() ?? null;
    },
    timeLimitMs,
  };
  return { io, output, prompts };
}

const started = async (workers: FakeWorker[]) => {
  await vi.waitFor(() => expect(workers).toHaveLength(1));
  return workers[0] as FakeWorker;
};

afterEach(() => vi.useRealTimers());

describe('JavaScriptRunner', () => {
  it('passes output on in order and ends with the exit code the program reports', async () => {
    const { host, workers } = fakeHost();
    const runner = new JavaScriptRunner('typescript', host);
    const { io, output } = recordingIo();
    const end = runner.run('code', io);
    const worker = await started(workers);
    worker.emit({ kind: 'output', stream: 'stdout', text: 'a\n' });
    worker.emit({ kind: 'output', stream: 'stderr', text: 'b\n' });
    worker.emit({ kind: 'exit', exitCode: 0 });
    await expect(end).resolves.toEqual({ status: 'exited', exitCode: 0 });
    expect(output).toEqual([
      ['stdout', 'a\n'],
      ['stderr', 'b\n'],
    ]);
    expect(worker.terminated).toBe(true);
  });

  it('an uncaught error is a failed run with exit code 1', async () => {
    const { host, workers } = fakeHost();
    const runner = new JavaScriptRunner('javascript', host);
    const end = runner.run('code', recordingIo().io);
    (await started(workers)).emit({ kind: 'exit', exitCode: 1 });
    await expect(end).resolves.toEqual({ status: 'failed', exitCode: 1 });
  });

  it('a program that does not compile fails with the error on stderr and starts no worker', async () => {
    const { host, workers } = fakeHost({ ok: false, error: 'SyntaxError: Unexpected token (1:8)' });
    const { io, output } = recordingIo();
    await expect(new JavaScriptRunner('typescript', host).run('let x: = 1', io)).resolves.toEqual({ status: 'failed', exitCode: 1 });
    expect(output).toEqual([['stderr', 'SyntaxError: Unexpected token (1:8)\n']]);
    expect(workers).toHaveLength(0);
  });

  it('input: the prompt goes to stdout, the typed line back to the program', async () => {
    const { host, workers } = fakeHost();
    const { io, output, prompts } = recordingIo(10_000, ['Ada']);
    const end = new JavaScriptRunner('javascript', host).run('code', io);
    const worker = await started(workers);
    worker.emit({ kind: 'input', prompt: 'Name? ' });
    await vi.waitFor(() => expect(worker.received).toEqual([{ kind: 'stdin', line: 'Ada' }]));
    expect(prompts).toEqual(['Name? ']);
    expect(output).toEqual([['stdout', 'Name? ']]);
    worker.emit({ kind: 'exit', exitCode: 0 });
    await end;
  });

  it('terminates a program past its time limit, not counting the time it waits for input', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const { host, workers } = fakeHost();
    let answer: (line: string | null) => void = () => {};
    const io: RunIo = { onOutput: () => {}, readStdin: () => new Promise((resolve) => (answer = resolve)), timeLimitMs: 1000 };
    const end = new JavaScriptRunner('javascript', host).run('while (true) {}', io);
    await vi.advanceTimersByTimeAsync(0);
    const worker = workers[0] as FakeWorker;
    await vi.advanceTimersByTimeAsync(600);
    worker.emit({ kind: 'input', prompt: '' });
    await vi.advanceTimersByTimeAsync(5000);
    expect(worker.terminated).toBe(false);
    answer('x');
    await vi.advanceTimersByTimeAsync(399);
    expect(worker.terminated).toBe(false);
    await vi.advanceTimersByTimeAsync(2);
    await expect(end).resolves.toEqual({ status: 'timed-out', exitCode: null });
    expect(worker.terminated).toBe(true);
  });

  it('stop() terminates the worker; the runner takes the next run', async () => {
    const { host, workers } = fakeHost();
    const runner = new JavaScriptRunner('javascript', host);
    const end = runner.run('code', recordingIo().io);
    const worker = await started(workers);
    runner.stop();
    await expect(end).resolves.toEqual({ status: 'stopped', exitCode: null });
    expect(worker.terminated).toBe(true);
    const next = runner.run('code', recordingIo().io);
    await vi.waitFor(() => expect(workers).toHaveLength(2));
    workers[1]?.emit({ kind: 'exit', exitCode: 0 });
    await expect(next).resolves.toEqual({ status: 'exited', exitCode: 0 });
  });

  it('a script the browser cannot load fails with its message', async () => {
    const { host, workers } = fakeHost();
    const { io, output } = recordingIo();
    const end = new JavaScriptRunner('javascript', host).run('import x from "y"', io);
    const worker = await started(workers);
    worker.onerror?.({
      message: 'Uncaught SyntaxError: Cannot use import statement outside a module',
      preventDefault: () => {},
    } as ErrorEvent);
    await expect(end).resolves.toEqual({ status: 'failed', exitCode: 1 });
    expect(output).toEqual([['stderr', 'Uncaught SyntaxError: Cannot use import statement outside a module\n']]);
  });
});
