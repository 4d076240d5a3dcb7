import { existsSync } from 'node:fs';
import { chmod, chown, lstat, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CgroupParent } from './cgroup.js';
import type { CodeSandbox, RunningProcess, SandboxIo, SandboxJob } from './code-sandbox.js';
import { SandboxedJob } from './sandboxed-job.js';

/** Where the host's sandbox tools are (Debian's bubblewrap and util-linux). */
export const SANDBOX_TOOLS = { bwrap: '/usr/bin/bwrap', prlimit: '/usr/bin/prlimit', setpriv: '/usr/bin/setpriv' } as const;
/** Sandboxed programs run as `nobody`, outside as well as inside their user namespace. */
const NOBODY = 65_534;
/** Where the working directory appears inside the sandbox. */
export const SANDBOX_WORK_DIR = '/sandbox';

export interface BubblewrapOptions {
  /** Server-owned directory the private working directories are made in (created 0711 if missing). */
  rootDir: string;
}

/**
 * CodeSandbox with bubblewrap: every step runs as `nobody` in fresh namespaces (no network, its own
 * PID tree, no view of the host's files but a read-only /usr), with an empty environment, in its
 * own cgroups (memory incl. swap, pids, CPU quota) and under rlimits (CPU seconds, file size, open
 * files). The private working directory is the only writable place that outlives a step. Needs
 * root (cgroups, dropping to `nobody`), cgroup v1 and /usr/bin/bwrap.
 */
export class BubblewrapSandbox implements CodeSandbox {
  private constructor(
    private readonly rootDir: string,
    readonly cgroups: CgroupParent,
    private readonly hostLayout: readonly string[],
  ) {}

  static async create(options: BubblewrapOptions): Promise<BubblewrapSandbox> {
    for (const tool of Object.values(SANDBOX_TOOLS)) {
      if (!existsSync(tool)) throw new Error(`RUNNER=sandbox needs ${tool} (Debian packages bubblewrap and util-linux)`);
    }
    if (process.getuid?.() !== 0) throw new Error('RUNNER=sandbox needs the server to run as root (cgroups, dropping to nobody)');
    await ownedRoot(options.rootDir);
    const layout = ['--symlink', 'usr/bin', '/bin', '--symlink', 'usr/lib', '/lib'];
    if (existsSync('/usr/lib64')) layout.push('--symlink', 'usr/lib64', '/lib64');
    return new BubblewrapSandbox(options.rootDir, await CgroupParent.create(), layout);
  }

  run(job: SandboxJob, io: SandboxIo): RunningProcess {
    return new SandboxedJob(job, io, {
      cgroups: this.cgroups,
      makeWorkDir: () => this.makeWorkDir(),
      removeWorkDir: (dir) => rm(dir, { recursive: true, force: true }),
      command: (workDir, step) => [
        SANDBOX_TOOLS.prlimit,
        // Soft then hard: SIGXCPU at the limit (reported as such), SIGKILL a second later.
        `--cpu=${step.limits.cpuSeconds}:${step.limits.cpuSeconds + 1}`,
        `--fsize=${step.limits.fileBytes}`,
        `--nofile=${step.limits.openFiles}`,
        '--core=0',
        '--',
        SANDBOX_TOOLS.setpriv,
        `--reuid=${NOBODY}`,
        `--regid=${NOBODY}`,
        '--clear-groups',
        '--',
        SANDBOX_TOOLS.bwrap,
        ...this.bwrapArgs(workDir, step.readOnlyPaths ?? []),
        ...step.argv,
      ],
    });
  }

  /** Kills anything left (nothing, once every job ended) and removes this server's cgroups. */
  close(): Promise<void> {
    return this.cgroups.destroy();
  }

  /** Working directories still on disk (tests check none are left). */
  async workDirs(): Promise<string[]> {
    return readdir(this.rootDir);
  }

  private bwrapArgs(workDir: string, readOnlyPaths: readonly string[]): string[] {
    return [
      '--ro-bind',
      '/usr',
      '/usr',
      ...this.hostLayout,
      ...readOnlyPaths.flatMap((path) => ['--ro-bind', path, path]),
      '--proc',
      '/proc',
      '--dev',
      '/dev',
      '--bind',
      workDir,
      SANDBOX_WORK_DIR,
      // Temporary files (g++ writes some) go to the working directory: it is the one writable place.
      '--symlink',
      SANDBOX_WORK_DIR,
      '/tmp',
      '--remount-ro',
      '/',
      '--chdir',
      SANDBOX_WORK_DIR,
      '--unshare-all',
      '--die-with-parent',
      // A new session: the program cannot push keystrokes into a terminal the server might have (TIOCSTI).
      '--new-session',
      '--cap-drop',
      'ALL',
      '--hostname',
      'sandbox',
      '--clearenv',
      '--setenv',
      'PATH',
      '/usr/bin:/bin',
      '--setenv',
      'HOME',
      SANDBOX_WORK_DIR,
      '--setenv',
      'LANG',
      'C.UTF-8',
      '--',
    ];
  }

  /** A fresh private directory (mkdtemp never reuses or follows an existing name), handed to `nobody`. */
  private async makeWorkDir(): Promise<string> {
    const dir = await mkdtemp(join(this.rootDir, 'job-'));
    await chown(dir, NOBODY, NOBODY);
    return dir;
  }
}

/**
 * The sandbox root must be a real directory of ours that nobody else can write to: otherwise another
 * user could swap a working directory for a symlink. Made 0711 so `nobody` can reach its own directory
 * inside without listing the others.
 */
async function ownedRoot(rootDir: string): Promise<void> {
  await mkdir(rootDir, { recursive: true, mode: 0o711 });
  const stats = await lstat(rootDir);
  if (!stats.isDirectory() || stats.uid !== process.getuid?.() || (stats.mode & 0o022) !== 0) {
    throw new Error(`SANDBOX_DIR ${rootDir} must be a directory owned by the server's user and writable by nobody else`);
  }
  await chmod(rootDir, 0o711);
}
