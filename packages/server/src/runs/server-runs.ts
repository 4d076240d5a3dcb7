import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { HistoryAuthor, ServerRunLanguage } from '@pairwise/protocol';
import type { RoomLease } from '../sync/room-registry.js';
import type { SandboxRunner } from './run-runner.js';
import type { RunService } from './run-service.js';
import type { RunRefusalCode } from './run-summary.js';
import type { CodeSandbox, RunningProcess } from './sandbox/code-sandbox.js';
import type { ServerLanguages } from './sandbox/languages.js';

/** Why a server run was not started, besides the RunService's own reasons. */
export type ServerRunRefusal = RunRefusalCode | 'language_not_runnable' | 'sandbox_busy' | 'shutting_down' | 'room_not_found';

export interface ServerRunsOptions {
  sandbox: CodeSandbox;
  languages: ServerLanguages;
  runs: RunService;
  /** Loads the room (its code and settings) and holds it loaded; null when it does not exist. */
  acquire(roomId: string): Promise<RoomLease | null>;
  /** Sandboxes at once on this instance (one per core is sane); further starts are refused `sandbox_busy`. */
  slots: number;
  log: Logger;
}

/** A server run of this instance, from its start until its end is reported. */
interface ActiveRun {
  runner: SandboxRunner;
  /** Resolves once the run's end was handed to the RunService. */
  done: Promise<void>;
}

/**
 * Runs rooms' code in this server's sandbox (RUNNER=sandbox): the RunService checks and announces
 * each run like a tab's, then the sandbox runs it and this reports its output and end. The number
 * of sandboxes at once is bounded; shutdown stops them all and waits for their ends to be stored.
 */
export class ServerRuns {
  private readonly active = new Map<string, ActiveRun>();
  private closing = false;

  constructor(private readonly options: ServerRunsOptions) {}

  get languages(): ServerRunLanguage[] {
    return this.options.languages.ids as ServerRunLanguage[];
  }

  /** Starts a run of the room's current code; resolves with its id once it is announced, or why not. */
  async start(
    roomId: string,
    author: HistoryAuthor,
    language: string | undefined,
  ): Promise<{ runId: string } | { refused: ServerRunRefusal }> {
    if (this.closing) return { refused: 'shutting_down' };
    if (this.active.size >= this.options.slots) return { refused: 'sandbox_busy' };
    const lease = await this.options.acquire(roomId);
    if (!lease) return { refused: 'room_not_found' };
    // Held until the run ends: the room stays loaded here, so a stop asked on another instance reaches it.
    const started = await this.startIn(lease, author, language ?? lease.room.meta().language ?? '').catch((err: unknown) => {
      lease.release();
      throw err;
    });
    if ('refused' in started) lease.release();
    return started;
  }

  /** Stops every sandbox and resolves once their runs' ends are handed over (to be stored before the store closes). */
  async close(): Promise<void> {
    this.closing = true;
    for (const { runner } of this.active.values()) runner.stop('the server is shutting down');
    await Promise.allSettled([...this.active.values()].map((run) => run.done));
  }

  private async startIn(
    lease: RoomLease,
    author: HistoryAuthor,
    language: string,
  ): Promise<{ runId: string } | { refused: ServerRunRefusal }> {
    const { room } = lease;
    const job = this.options.languages.job(language, room.text.toString());
    if (!job) return { refused: 'language_not_runnable' };
    if (this.active.size >= this.options.slots) return { refused: 'sandbox_busy' };
    const runId = randomUUID();
    const control = new ProcessControl();
    let finished = (): void => {};
    const active: ActiveRun = { runner: control.runner, done: new Promise((resolve) => (finished = resolve)) };
    // Taken before the store is asked, so concurrent starts count it.
    this.active.set(runId, active);
    const refused = await this.options.runs.startServerRun(room, author, runId, language, control.runner).catch((err: unknown) => {
      this.options.log.warn({ err, roomId: room.id }, 'starting a server run failed');
      return 'storage_unavailable' as const;
    });
    if (refused) {
      this.active.delete(runId);
      finished();
      return { refused };
    }
    const process = this.options.sandbox.run(job, {
      output: (stream, text) => this.options.runs.serverOutput(room.id, runId, stream, text),
    });
    control.attach(process);
    void this.reportEnd(room.id, runId, process).finally(() => {
      this.active.delete(runId);
      lease.release();
      finished();
    });
    return { runId };
  }

  private async reportEnd(roomId: string, runId: string, process: RunningProcess): Promise<void> {
    const { runs, log } = this.options;
    try {
      const end = await process.ended;
      if (end.reason !== null) runs.serverOutput(roomId, runId, 'stderr', `\n[${end.reason}]\n`);
      runs.serverFinished(roomId, runId, end.status, end.exitCode);
    } catch (err) {
      log.error({ err, roomId, runId }, 'a server run failed in the sandbox');
      runs.serverOutput(roomId, runId, 'stderr', '\n[the sandbox failed; see the server log]\n');
      runs.serverFinished(roomId, runId, 'failed', null);
    }
  }
}

/** The RunService's handle on a sandbox job, which starts only once the run is announced. */
class ProcessControl {
  private process: RunningProcess | null = null;
  private readonly before: ((process: RunningProcess) => void)[] = [];

  readonly runner: SandboxRunner = {
    kind: 'sandbox',
    stop: (reason) => this.whenStarted((process) => process.stop(reason)),
    input: (text) => this.whenStarted((process) => process.input(text)),
    endInput: () => this.whenStarted((process) => process.endInput()),
  };

  attach(process: RunningProcess): void {
    this.process = process;
    for (const action of this.before.splice(0)) action(process);
  }

  private whenStarted(action: (process: RunningProcess) => void): void {
    if (this.process) action(this.process);
    else this.before.push(action);
  }
}
