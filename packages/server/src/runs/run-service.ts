import type { Logger } from 'pino';
import type { HistoryAuthor, RoomRole, RunClientMessage, RunList, RunServerMessage, RunStream } from '@pairwise/protocol';
import type { ConnectionSession } from '../access/session.js';
import { KeyedRate } from '../limits/keyed-rate.js';
import type { RunStore, StoredRun } from '../storage/runs.js';
import { authorOfSession } from '../sync/history-authors.js';
import { verdictFor } from '../sync/role-matrix.js';
import type { Room, SyncSocket } from '../sync/room.js';
import { appendCapped } from './output-cap.js';
import {
  inputRefusal,
  isSocketRunner,
  newRun,
  type RunInput,
  type RunRunner,
  type RunningRun,
  runningRun,
  type SandboxRunner,
} from './run-runner.js';
import { detailsOf, refusal, type RunRefusalCode, summaryOf } from './run-summary.js';

/** A running run is written this often (its output so far; the write also tells it is still going). */
export const RUN_SAVE_INTERVAL_MS = 2_000;
/** A `running` run not written for this long belongs to an instance that died: it is lost. */
export const RUN_STALE_MS = 3 * RUN_SAVE_INTERVAL_MS;
/** Runs one person may start in one room in a burst, refilled over RUN_START_WINDOW_MS. */
export const RUN_START_BURST = 5;
export const RUN_START_WINDOW_MS = 10_000;

export interface RunServiceOptions {
  store: RunStore;
  /** Sends a run message to the room's subscribers on this instance and to the other instances holding the room. */
  relay(roomId: string, message: RunServerMessage): void;
  log: Logger;
  /** Epoch milliseconds; Date.now when omitted. */
  now?: () => number;
  /** RUN_SAVE_INTERVAL_MS when omitted; RUN_STALE_MS is three of them. */
  saveIntervalMs?: number;
}

/** What the room registry tells the runs of its rooms. */
export type RoomRuns = Pick<RunService, 'receive' | 'left' | 'roleChanged' | 'loaded' | 'heard' | 'roomDeleted'>;

/**
 * The runs of every room on this instance. A run happens in the tab of whoever started it (that tab
 * reports start, output and exit) or in this server's sandbox (ServerRuns reports it); the service
 * checks (room switch, one run per room, only the runner reports), caps (RUN_OUTPUT_MAX_BYTES),
 * stores and relays it to the room. Anyone allowed may ask for a run to stop: the request is
 * relayed, and the runner (tab or sandbox, on whichever instance) stops it and reports the exit.
 * A run belongs to the life of its room it started in (its incarnation) and ends with it.
 */
export class RunService {
  private readonly running = new Map<string, RunningRun>();
  private readonly starts = new KeyedRate(RUN_START_BURST, RUN_START_WINDOW_MS);
  private readonly now: () => number;
  private readonly saveIntervalMs: number;
  /** RUN_STALE_MS for the default save interval. */
  private readonly staleMs: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly options: RunServiceOptions) {
    this.now = options.now ?? (() => Date.now());
    this.saveIntervalMs = options.saveIntervalMs ?? RUN_SAVE_INTERVAL_MS;
    this.staleMs = (RUN_STALE_MS / RUN_SAVE_INTERVAL_MS) * this.saveIntervalMs;
  }

  /** A run message from a socket whose role may send it (the room checked the role matrix). */
  receive(room: Room, socket: SyncSocket, session: ConnectionSession, message: RunClientMessage): void {
    const refuse = (code: RunRefusalCode) => room.sendToSubscribers(refusal(message.runId, code), socket);
    const current = this.running.get(room.id);
    const author = authorOfSession(session);
    if (message.type === 'start') {
      const code = this.startRefusal(room, author, current);
      if (code) refuse(code);
      else void this.start(room, { kind: 'socket', socket }, author, message.runId, message.language, refuse);
      // A run on another instance that was never heard to end may belong to one that died, or its end
      // may have been lost on the bus: check the store.
      if (code === 'already_running' && current?.runner.kind === 'remote') this.recheckRemote(room.id, current.run.id);
      return;
    }
    const theRun = current?.run.id === message.runId ? current : undefined;
    if (message.type === 'stop' || message.type === 'input') {
      if (!theRun) refuse('not_running');
      else if (message.type === 'input') {
        const code = inputRefusal(theRun, author);
        if (code || theRun.runner.kind !== 'sandbox') refuse(code ?? 'not_server_run');
        else this.input(room.id, theRun, theRun.runner, message);
      } else this.requestStop(room.id, theRun, author);
    } else if (!theRun || !isSocketRunner(theRun.runner, socket)) refuse('not_your_run');
    else if (message.type === 'output') this.output(room.id, theRun, message.stream, message.text);
    else this.finish(room.id, theRun, message.status, message.exitCode);
  }

  /**
   * Starts a run on this server's sandbox, checked like a tab's start. Resolves null once the run is
   * stored and announced (the caller then starts the program), or with why it was refused.
   */
  async startServerRun(
    room: Room,
    author: HistoryAuthor,
    runId: string,
    language: string,
    runner: SandboxRunner,
  ): Promise<RunRefusalCode | null> {
    const code = this.startRefusal(room, author, this.running.get(room.id));
    if (code) return code;
    let refused: RunRefusalCode | null = null;
    await this.start(room, runner, author, runId, language, (why) => {
      refused = why;
    });
    return refused;
  }

  /** Output of a server run going on here. */
  serverOutput(roomId: string, runId: string, stream: RunStream, text: string): void {
    const current = this.running.get(roomId);
    if (current?.run.id === runId && current.runner.kind === 'sandbox') this.output(roomId, current, stream, text);
  }

  /** The end of a server run going on here. */
  serverFinished(roomId: string, runId: string, status: StoredRun['status'], exitCode: number | null): void {
    const current = this.running.get(roomId);
    if (current?.run.id === runId && current.runner.kind === 'sandbox') this.finish(roomId, current, status, exitCode);
  }

  /** The socket left the room: a run it was running ends `lost`. */
  left(room: Room, socket: SyncSocket): void {
    const current = this.running.get(room.id);
    if (current && isSocketRunner(current.runner, socket)) this.finish(room.id, current, 'lost', null);
  }

  /** The socket's role changed: a run it was running ends `lost` once it may no longer run code. */
  roleChanged(room: Room, socket: SyncSocket, role: RoomRole): void {
    if (verdictFor(role, 'run') !== 'allowed') this.left(room, socket);
  }

  /**
   * The room was loaded here: runs left `running` by an instance that stopped writing them end
   * `lost`, now and once more after RUN_STALE_MS (for those it wrote just before it died).
   */
  loaded(room: Room): void {
    // A run heard from another instance before the room was last unloaded here may have ended unheard since.
    if (this.running.get(room.id)?.runner.kind === 'remote') this.running.delete(room.id);
    this.loseStale(room.id);
    const later = setTimeout(() => {
      this.timers.delete(later);
      this.loseStale(room.id);
    }, this.staleMs);
    later.unref();
    this.timers.add(later);
  }

  /**
   * The room's life `incarnation` was deleted (here or on another instance): its run ends with it,
   * stored and relayed no more (a sandbox here is killed), so a room created again under the id may
   * run at once and hears nothing of it. A tab's run is not `lost` either: its room is gone.
   */
  roomDeleted(roomId: string, incarnation: string): void {
    const current = this.running.get(roomId);
    // A run on another instance was heard by the copy of the room loaded here: the one deleted.
    if (!current || (current.runner.kind !== 'remote' && current.incarnation !== incarnation)) return;
    this.running.delete(roomId);
    current.roomDeleted = true;
    if (current.saver) clearInterval(current.saver);
    if (current.runner.kind === 'sandbox') current.runner.stop('the room was deleted');
  }

  /** What another instance relayed: its runs count for the one-run-per-room rule here; a stop asked there reaches a sandbox here. */
  heard(roomId: string, message: RunServerMessage): void {
    const current = this.running.get(roomId);
    if (message.type === 'started' && !current) {
      const run = { ...message.run, startedAt: Date.parse(message.run.startedAt), finishedAt: null, output: [] };
      // The other instance stores it in its room's life; the room ends it here through roomDeleted.
      this.running.set(roomId, runningRun(run, { kind: 'remote' }, '', true));
    }
    if (message.type === 'stop-requested' && current?.run.id === message.runId && current.runner.kind === 'sandbox') current.runner.stop();
    if (message.type === 'finished') this.forgetRemote(roomId, message.run.id);
  }

  /** A page of the room's runs, newest first; a run going on here shows its output so far. */
  async list(roomId: string, before: string | undefined, limit: number): Promise<RunList> {
    const page = await this.options.store.listRuns(roomId, before === undefined ? null : Date.parse(before), limit);
    const live = this.running.get(roomId);
    const runs = page.runs.map((run) => detailsOf(live && live.runner.kind !== 'remote' && live.run.id === run.id ? live.run : run));
    const oldest = page.runs[page.runs.length - 1];
    return { runs, nextBefore: page.hasOlder && oldest ? new Date(oldest.startedAt).toISOString() : null };
  }

  /** Resolves once every write started so far (and any it leads to) is done. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Stops the checks of loaded rooms and resolves once every write is done: call before the store closes. */
  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.settled();
  }

  private startRefusal(room: Room, author: HistoryAuthor, current: RunningRun | undefined): RunRefusalCode | null {
    if (room.meta().runCode === false) return 'running_off';
    if (current) return 'already_running';
    const allowance = this.starts.take(`${author.id} ${room.id}`, performance.now());
    return allowance.allowed ? null : 'too_fast';
  }

  /** Takes the room's run at once (a second start while this one is stored is refused); resolves once stored or refused. */
  private start(
    room: Room,
    runner: RunRunner,
    author: HistoryAuthor,
    runId: string,
    language: string,
    refuse: (code: RunRefusalCode) => void,
  ): Promise<unknown> {
    const run = newRun(runId, language, author, this.now());
    const running = runningRun(run, runner, room.incarnation, false);
    this.running.set(room.id, running);
    this.write(room.id, running, async () => {
      const created = await this.options.store.createRun(room.id, room.incarnation, run, this.now()).catch((err: unknown) => {
        this.options.log.warn({ err, roomId: room.id }, 'storing a new run failed');
        return null;
      });
      const current = this.running.get(room.id) === running;
      // Deleted while it was stored: the store refused it or the delete took it; nothing is announced.
      if (running.roomDeleted) {
        refuse('room_not_found');
        return;
      }
      if (!created) {
        if (current) this.running.delete(room.id);
        refuse(created === null ? 'storage_unavailable' : 'run_id_taken');
        return;
      }
      // Announced even when its runner already left: the end (lost) that follows is stored and relayed too.
      running.announced = true;
      this.options.relay(room.id, { type: 'started', run: summaryOf(run) });
      for (const chunk of run.output) this.options.relay(room.id, { type: 'output', runId, ...chunk });
      if (!current) return;
      running.saver = setInterval(() => this.write(room.id, running, () => this.save(room.id, running)), this.saveIntervalMs);
      running.saver.unref();
    });
    return running.writes;
  }

  /** Everyone hears who asked; the runner stops the run: a sandbox here at once, a tab or another instance on hearing it. */
  private requestStop(roomId: string, running: RunningRun, by: HistoryAuthor): void {
    this.options.relay(roomId, { type: 'stop-requested', runId: running.run.id, by });
    if (running.runner.kind === 'sandbox') running.runner.stop();
  }

  /** Input for a server run here (inputRefusal says from whom), echoed into the output as `stdin`. */
  private input(roomId: string, running: RunningRun, runner: SandboxRunner, message: RunInput): void {
    if (message.text.length > 0) {
      runner.input(message.text);
      this.output(roomId, running, 'stdin', message.text);
    }
    if (message.end) runner.endInput();
  }

  private output(roomId: string, running: RunningRun, stream: RunStream, text: string): void {
    const { kept, notice } = appendCapped(running.run.output, running.cap, stream, text);
    running.run.outputBytes = running.cap.bytes;
    running.run.truncated = running.cap.truncated;
    if (!running.announced) return;
    if (kept !== null) this.options.relay(roomId, { type: 'output', runId: running.run.id, stream, text: kept });
    if (notice !== null) this.options.relay(roomId, { type: 'output', runId: running.run.id, stream: 'stderr', text: notice });
  }

  private finish(roomId: string, running: RunningRun, status: StoredRun['status'], exitCode: number | null): void {
    this.running.delete(roomId);
    if (running.saver) clearInterval(running.saver);
    const finishedAt = this.now();
    const { run } = running;
    Object.assign(run, { status, exitCode, finishedAt, durationMs: Math.max(0, finishedAt - run.startedAt) });
    this.write(roomId, running, async () => {
      // A start the store never took has nothing to end (its refusal was sent).
      if (!running.announced) return;
      await this.save(roomId, running);
      this.options.relay(roomId, { type: 'finished', run: summaryOf(run) });
    });
  }

  private async save(roomId: string, running: RunningRun): Promise<void> {
    if (running.roomDeleted) return;
    // The record as it is now: later output changes the live one while this one is written.
    const snapshot = { ...running.run, output: [...running.run.output] };
    await this.options.store.saveRun(roomId, snapshot, this.now()).catch((err: unknown) => {
      this.options.log.warn({ err, roomId, runId: running.run.id }, 'storing a run failed');
    });
  }

  /** Chains a write after the run's earlier ones, so the store sees them in order. */
  private write(roomId: string, running: RunningRun, work: () => Promise<void>): void {
    running.writes = running.writes.then(work);
    this.track(running.writes, roomId);
  }

  private track(work: Promise<unknown>, roomId: string): void {
    const tracked = work.catch((err: unknown) => this.options.log.warn({ err, roomId }, 'a run write failed'));
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  /** Ends as `lost` the room's runs nobody wrote for RUN_STALE_MS (their instance died) and tells the room. */
  private loseStale(roomId: string): void {
    const at = this.now();
    const lost = this.options.store.loseStaleRuns(roomId, at - this.staleMs, at).then((runs) => {
      for (const run of runs) {
        this.forgetRemote(roomId, run.id);
        this.options.relay(roomId, { type: 'finished', run: summaryOf(run) });
      }
    });
    this.track(lost, roomId);
  }

  /** Forgets another instance's run that storage says has ended (its `finished` never arrived), and loses stale ones. */
  private recheckRemote(roomId: string, runId: string): void {
    this.loseStale(roomId);
    const checked = this.options.store.listRuns(roomId, null, 1).then(({ runs: [newest] }) => {
      if (newest?.id === runId && newest.status !== 'running') this.forgetRemote(roomId, runId);
    });
    this.track(checked, roomId);
  }

  private forgetRemote(roomId: string, runId: string): void {
    const current = this.running.get(roomId);
    if (current?.run.id === runId && current.runner.kind === 'remote') this.running.delete(roomId);
  }
}
