import type { BrowserRunLanguage, HistoryAuthor, RunDetails, RunOutputChunk, RunServerMessage } from '@pairwise/protocol';
import { OutputBatcher } from './outputBatcher';
import type { RunTransport } from './runFrames';
import { appendOutput, keepNewest, type RunView, updateRun, viewOf, withLoaded, withSummary } from './runLog';
import type { CodeRunner, RunEnd } from './runner';

export interface RoomRunsState {
  /** Oldest first. */
  runs: RunView[];
  /** This tab's program waits for a line its user types. */
  input: { runId: string; prompt: string } | null;
}

export interface RoomRunsOptions {
  transport: RunTransport;
  runnerFor: (language: BrowserRunLanguage) => CodeRunner;
  /** Shown as who runs this tab's run until the server names them. */
  me: () => HistoryAuthor;
  timeLimitMs: number;
  now?: () => number;
}

interface LocalRun {
  id: string;
  runner: CodeRunner;
  batcher: OutputBatcher;
  answer: ((line: string | null) => void) | null;
}

/**
 * A room's runs, for its console: this tab's run (at most one at a time) runs here and is reported
 * to the server as it goes; the others' arrive from the server. Plain state with listeners, so the
 * message handling is tested without React (useRuns wraps it).
 */
export class RoomRuns {
  private state: RoomRunsState = { runs: [], input: null };
  private readonly listeners = new Set<() => void>();
  private readonly options: RoomRunsOptions;
  private readonly now: () => number;
  private local: LocalRun | null = null;
  /** Runs cleared from this tab's view: pages loaded later do not bring them back. */
  private readonly hidden = new Set<string>();

  constructor(options: RoomRunsOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
  }

  getState = (): RoomRunsState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Runs `code` here and reports it; resolves when it ended. Does nothing while this tab runs something. */
  async start(code: string, language: BrowserRunLanguage): Promise<void> {
    if (this.local) return;
    const runner = this.options.runnerFor(language);
    const id = crypto.randomUUID();
    const startedAt = this.now();
    const local: LocalRun = { id, runner, batcher: new OutputBatcher((chunks) => this.ownOutput(id, chunks)), answer: null };
    this.local = local;
    this.options.transport.send({ type: 'start', runId: id, language });
    const run = viewOf(
      {
        id,
        language,
        startedBy: this.options.me(),
        startedAt: new Date(startedAt).toISOString(),
        finishedAt: null,
        status: 'running',
        exitCode: null,
        durationMs: null,
        outputBytes: 0,
        truncated: false,
        output: [],
      },
      true,
    );
    this.set({ runs: keepNewest([...this.state.runs, run]) });

    let end: RunEnd;
    try {
      end = await runner.run(code, {
        onOutput: (stream, text) => local.batcher.push(stream, text),
        readStdin: (prompt) => {
          local.batcher.flush();
          return new Promise((resolve) => {
            local.answer = resolve;
            this.set({ input: { runId: id, prompt } });
          });
        },
        timeLimitMs: this.options.timeLimitMs,
      });
    } catch (error) {
      local.batcher.push('stderr', `${error instanceof Error ? error.message : String(error)}\n`);
      end = { status: 'failed', exitCode: 1 };
    }
    local.batcher.flush();
    this.local = null;
    this.options.transport.send({ type: 'exit', runId: id, status: end.status, exitCode: end.exitCode });
    const finishedAt = this.now();
    this.set({
      input: this.state.input?.runId === id ? null : this.state.input,
      runs: updateRun(this.state.runs, id, (shown) => ({
        ...shown,
        status: end.status,
        exitCode: end.exitCode,
        finishedAt: new Date(finishedAt).toISOString(),
        durationMs: finishedAt - startedAt,
      })),
    });
  }

  /** The line this tab's user typed for their waiting program (echoed into its output as stdin). */
  answerInput(line: string | null): void {
    const local = this.local;
    if (!local?.answer) return;
    const answer = local.answer;
    local.answer = null;
    if (line !== null) local.batcher.push('stdin', `${line}\n`);
    this.set({ input: null });
    answer(line);
  }

  /** This tab's run stops here; another's is asked of its runner through the server. */
  stop(runId: string): void {
    if (this.local?.id === runId) this.local.runner.stop();
    else this.options.transport.send({ type: 'stop', runId });
  }

  receive(message: RunServerMessage): void {
    switch (message.type) {
      case 'started':
      case 'finished':
        if (this.hidden.has(message.run.id)) return;
        this.set({ runs: withSummary(this.state.runs, message.run) });
        return;
      case 'output': {
        const run = this.state.runs.find((shown) => shown.id === message.runId);
        if (!run || run.mine) return;
        const chunk = { stream: message.stream, text: message.text };
        this.set({ runs: updateRun(this.state.runs, run.id, (shown) => appendOutput(shown, [chunk]).run) });
        return;
      }
      case 'stop-requested':
        this.set({ runs: updateRun(this.state.runs, message.runId, (run) => ({ ...run, stopRequestedBy: message.by })) });
        if (this.local?.id === message.runId) this.local.runner.stop();
        return;
      case 'refused':
        this.set({ runs: updateRun(this.state.runs, message.runId, (run) => ({ ...run, refusal: message.message })) });
        // The room will not see this run: it need not go on here either.
        if (this.local?.id === message.runId) this.local.runner.stop();
    }
  }

  /** Runs loaded from `GET /api/rooms/:id/runs`: earlier pages, and the newest again after a reconnect. */
  addLoaded(runs: readonly RunDetails[]): void {
    this.set({ runs: withLoaded(this.state.runs, runs, this.hidden) });
  }

  /** Empties this tab's console of finished runs. */
  clear(): void {
    for (const run of this.state.runs) if (run.status !== 'running') this.hidden.add(run.id);
    this.set({ runs: this.state.runs.filter((run) => run.status === 'running') });
  }

  dispose(): void {
    this.local?.runner.stop();
    this.listeners.clear();
  }

  private ownOutput(id: string, chunks: RunOutputChunk[]): void {
    const run = this.state.runs.find((shown) => shown.id === id);
    if (!run) return;
    const { run: updated, kept } = appendOutput(run, chunks);
    if (updated === run) return;
    for (const chunk of kept) this.options.transport.send({ type: 'output', runId: id, stream: chunk.stream, text: chunk.text });
    this.set({ runs: this.state.runs.map((shown) => (shown.id === id ? updated : shown)) });
  }

  private set(patch: Partial<RoomRunsState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }
}
