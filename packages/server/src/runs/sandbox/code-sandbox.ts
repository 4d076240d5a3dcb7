/**
 * Runs untrusted programs on this server, contained. A job is a few files and the steps that
 * compile and run them, all in one private working directory; each step has its own limits. The
 * bubblewrap implementation is one of these; nsjail or a container runtime could replace it.
 */
export interface CodeSandbox {
  /** Starts the job at once; `ended` resolves after its last step, with everything it made removed. */
  run(job: SandboxJob, io: SandboxIo): RunningProcess;
  /** Releases what the sandbox holds (after every job ended). */
  close(): Promise<void>;
}

export interface SandboxJob {
  /** Written into the empty working directory before the first step (plain names, no paths). */
  files: readonly SandboxFile[];
  /** In order; the job stops at the first step that does not exit 0. */
  steps: readonly SandboxStep[];
  /** Output (stdout and stderr of every step, in bytes) past which the job is killed. */
  maxOutputBytes: number;
}

export interface SandboxFile {
  name: string;
  content: string;
}

export interface SandboxStep {
  /** Shown in messages: `compile`, `run`. */
  name: string;
  /** Absolute program path, then its arguments; runs in the working directory. */
  argv: readonly string[];
  /** Host directories the step also sees, read-only (e.g. the JDK's configuration under /etc). */
  readOnlyPaths?: readonly string[];
  /** Whether this step reads the job's stdin (the program does; a compiler does not). */
  stdin: boolean;
  limits: StepLimits;
}

export interface StepLimits {
  /** Wall-clock time before the step is killed and the job ends `timed-out`. */
  wallMs: number;
  /** RLIMIT_CPU. */
  cpuSeconds: number;
  /** Memory of the whole process tree, swap included where the kernel counts it. */
  memoryBytes: number;
  /** Processes and threads of the whole tree. */
  pids: number;
  /** Cores the tree may use at once. */
  cpus: number;
  /** RLIMIT_FSIZE: largest file the step may write. */
  fileBytes: number;
  /** RLIMIT_NOFILE. */
  openFiles: number;
}

export interface SandboxIo {
  /** Output as it comes, decoded as UTF-8. */
  output(stream: 'stdout' | 'stderr', text: string): void;
}

export interface SandboxEnd {
  status: 'exited' | 'failed' | 'stopped' | 'timed-out';
  /** The last step's exit code; null when it was killed by a signal or never started. */
  exitCode: number | null;
  /** What the sandbox did or saw, for the people in the room (`memory limit reached`); null for a plain exit. */
  reason: string | null;
  /** Whether the output limit was reached (the rest was not read). */
  truncated: boolean;
}

/** A job going on. */
export interface RunningProcess {
  /** Text for the program's stdin; ignored before the program step starts only in that it is queued until then. */
  input(text: string): void;
  /** Closes the program's stdin (end of input). */
  endInput(): void;
  /** Kills the job's processes; it ends `stopped` (unless it had already ended). */
  stop(reason?: string): void;
  readonly ended: Promise<SandboxEnd>;
}
