import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

/** Pinning needs a core for the server and one for the load generator, and the `taskset` tool. */
export function canPin(): boolean {
  if (cpus().length < 2) return false;
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Restricts every thread of `pid` to `cpus` (e.g. "0" or "0-1"). Threads created later inherit the
 * mask of their creator, so a process that pins itself before starting workers stays pinned.
 */
export function pinProcess(pid: number, cpus: string): void {
  execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', cpus, String(pid)], { stdio: 'ignore' });
}

/** Every core of the machine (the affinity to restore: `availableParallelism` shrinks once pinned). */
export function allCpus(): string {
  return `0-${cpus().length - 1}`;
}
