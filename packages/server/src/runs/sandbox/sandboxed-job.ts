import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { RUN_CHUNK_MAX_CHARS } from '@pairwise/protocol';
import type { CgroupLimitHit, CgroupParent, StepCgroup } from './cgroup.js';
import type { RunningProcess, SandboxEnd, SandboxIo, SandboxJob, SandboxStep } from './code-sandbox.js';

export interface JobHost {
  cgroups: CgroupParent;
  makeWorkDir(): Promise<string>;
  removeWorkDir(dir: string): Promise<void>;
  /** The command that runs `step` contained, in `workDir` (rlimits, user, namespaces). */
  command(workDir: string, step: SandboxStep): string[];
}

/**
 * Enters the cgroups given before `--` (writing its own pid to each `cgroup.procs`), then execs the
 * rest. Node cannot place a child in a cgroup before it runs, and moving it after spawn would let
 * processes it forked meanwhile stay outside; cgexec (cgroup-tools) would be one more package.
 */
const ENTER_CGROUPS = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"';

/** Why the server ended a step before it ended on its own. */
interface Cause {
  status: SandboxEnd['status'];
  reason: string;
}

const MiB = 1024 * 1024;
/** Input a job takes in all; past it input is dropped (a program that never reads would have it pile up here). */
export const MAX_INPUT_BYTES = MiB;

/** One job in the sandbox: its working directory, then each step in its own cgroups, then cleanup. */
export class SandboxedJob implements RunningProcess {
  readonly ended: Promise<SandboxEnd>;
  private readonly id = randomUUID();
  private cause: Cause | null = null;
  private child: ChildProcess | null = null;
  private group: StepCgroup | null = null;
  /** Input given before the program step started, and whether its end was. */
  private queued: string[] = [];
  private inputEnded = false;
  private inputBytes = 0;
  private outputBytes = 0;
  private truncated = false;
  private programStarted = false;

  constructor(
    private readonly job: SandboxJob,
    private readonly io: SandboxIo,
    private readonly host: JobHost,
  ) {
    this.ended = this.runSteps();
  }

  input(text: string): void {
    this.inputBytes += Buffer.byteLength(text);
    if (this.inputBytes > MAX_INPUT_BYTES) return;
    if (this.programStarted) this.child?.stdin?.write(text);
    else this.queued.push(text);
  }

  endInput(): void {
    this.inputEnded = true;
    if (this.programStarted) this.child?.stdin?.end();
  }

  stop(reason = 'stopped on request'): void {
    this.kill({ status: 'stopped', reason });
  }

  private async runSteps(): Promise<SandboxEnd> {
    const dir = await this.host.makeWorkDir();
    try {
      await Promise.all(this.job.files.map((file) => writeNew(join(dir, file.name), file.content)));
      let end: SandboxEnd = { status: 'stopped', exitCode: null, reason: this.cause?.reason ?? null, truncated: false };
      for (const step of this.job.steps) {
        if (this.cause) break;
        end = await this.runStep(dir, step);
        if (end.status !== 'exited' || end.exitCode !== 0) break;
      }
      return end;
    } finally {
      await this.host.removeWorkDir(dir);
    }
  }

  private async runStep(dir: string, step: SandboxStep): Promise<SandboxEnd> {
    const group = await this.host.cgroups.child(`${this.id}-${step.name}`, step.limits);
    this.group = group;
    try {
      const child = spawn('/bin/sh', ['-c', ENTER_CGROUPS, 'sandbox-enter', ...group.procsFiles, '--', ...this.host.command(dir, step)], {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: {},
      });
      this.child = child;
      const closed = new Promise<{ code: number | null; error: Error | null }>((resolve) => {
        child.once('error', (error) => resolve({ code: null, error }));
        child.once('close', (code) => resolve({ code, error: null }));
      });
      this.wireInput(child, step);
      this.wireOutput(child);
      const seconds = step.limits.wallMs / 1000;
      const timer = setTimeout(() => this.kill({ status: 'timed-out', reason: `time limit of ${seconds} s reached` }), step.limits.wallMs);
      // A stop that came while the group was being made.
      if (this.cause) this.kill(this.cause);
      const { code, error } = await closed;
      clearTimeout(timer);
      this.child = null;
      await group.killAll();
      return this.endOf(step, code, error, await group.limitHit());
    } finally {
      this.group = null;
      await group.destroy();
    }
  }

  private wireInput(child: ChildProcess, step: SandboxStep): void {
    // A program that exits without reading its input closes the pipe: nothing to report.
    child.stdin?.on('error', () => {});
    if (!step.stdin) {
      child.stdin?.end();
      return;
    }
    this.programStarted = true;
    for (const text of this.queued) child.stdin?.write(text);
    this.queued = [];
    if (this.inputEnded) child.stdin?.end();
  }

  private wireOutput(child: ChildProcess): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const decoder = new StringDecoder('utf8');
      child[stream]?.on('data', (data: Buffer) => {
        if (this.truncated) return;
        const room = this.job.maxOutputBytes - this.outputBytes;
        const kept = data.length > room ? data.subarray(0, room) : data;
        this.outputBytes += kept.length;
        this.emit(stream, decoder.write(kept));
        if (kept === data) return;
        this.truncated = true;
        this.emit(stream, decoder.end());
        // Past the cap nothing more is read: the program is killed, not left to fill a pipe.
        child.stdout?.destroy();
        child.stderr?.destroy();
        this.kill({ status: 'failed', reason: `output limit of ${this.job.maxOutputBytes / 1024} KiB reached` });
      });
    }
  }

  /** Output in chunks of at most RUN_CHUNK_MAX_CHARS (never splitting a surrogate pair). */
  private emit(stream: 'stdout' | 'stderr', text: string): void {
    let rest = text;
    while (rest.length > 0) {
      let size = Math.min(rest.length, RUN_CHUNK_MAX_CHARS);
      if (size < rest.length && /[\uD800-\uDBFF]/.test(rest.charAt(size - 1))) size -= 1;
      this.io.output(stream, rest.slice(0, size));
      rest = rest.slice(size);
    }
  }

  private kill(cause: Cause): void {
    this.cause ??= cause;
    this.child?.kill('SIGKILL');
    // The outer process's death takes the sandbox's PID namespace down; the group catches any straggler.
    void this.group?.killAll().catch(() => {});
  }

  private endOf(step: SandboxStep, code: number | null, error: Error | null, hit: CgroupLimitHit | null): SandboxEnd {
    const truncated = this.truncated;
    const limit =
      hit === 'memory'
        ? `memory limit of ${step.limits.memoryBytes / MiB} MiB reached`
        : hit === 'pids'
          ? `process limit of ${step.limits.pids} reached`
          : null;
    if (this.cause) return { status: this.cause.status, exitCode: null, reason: joined(this.cause.reason, limit), truncated };
    if (error) return { status: 'failed', exitCode: null, reason: `the sandbox could not start: ${error.message}`, truncated };
    if (code === null) return { status: 'failed', exitCode: null, reason: limit ?? 'killed', truncated };
    if (code === 0) return { status: 'exited', exitCode: 0, reason: limit, truncated };
    return { status: 'failed', exitCode: code, reason: joined(limit ?? signalReason(step, code), stepReason(step, code)), truncated };
  }
}

/** A program killed by a signal exits 128+signal through bubblewrap; the rlimit ones are named. */
function signalReason(step: SandboxStep, code: number): string | null {
  if (code === 128 + 24) return `CPU time limit of ${step.limits.cpuSeconds} s reached`;
  if (code === 128 + 25) return `file size limit of ${step.limits.fileBytes / MiB} MiB reached`;
  if (code === 128 + 9) return 'killed';
  return null;
}

function stepReason(step: SandboxStep, code: number): string | null {
  return step.stdin ? null : `${step.name} failed (exit code ${code})`;
}

function joined(...reasons: (string | null)[]): string | null {
  const present = reasons.filter((reason): reason is string => reason !== null);
  return present.length > 0 ? present.join('; ') : null;
}

/** Writes a new file: never follows a symlink at its name nor reuses an existing file (O_EXCL | O_NOFOLLOW). */
async function writeNew(path: string, content: string): Promise<void> {
  const file = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  try {
    await file.writeFile(content);
  } finally {
    await file.close();
  }
}
