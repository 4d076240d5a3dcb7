import { randomUUID } from 'node:crypto';
import { readFile, mkdir, readdir, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The cgroup v1 controllers every sandboxed step is limited by. */
const CONTROLLERS = ['memory', 'pids', 'cpu'] as const;
type Controller = (typeof CONTROLLERS)[number];

const CGROUP_MOUNT = '/sys/fs/cgroup';
const CPU_PERIOD_US = 100_000;
/** Killing a tree that keeps forking (until the pids limit stops it) takes a few rounds. */
const KILL_ROUNDS = 50;
const KILL_ROUND_PAUSE_MS = 10;

export interface CgroupLimits {
  memoryBytes: number;
  pids: number;
  /** Cores the step may use at most (a CFS quota), e.g. 1. */
  cpus: number;
}

/** A limit the kernel enforced on the step's processes. */
export type CgroupLimitHit = 'memory' | 'pids';

/**
 * Where this server's sandbox cgroups live: under the server's own cgroup in each controller (so a
 * server that is itself limited keeps its runs inside that limit), in `pairwise-sandbox/<pid>.<random>`:
 * each sandbox has its own, so instances sharing a machine never touch each other's runs.
 */
export class CgroupParent {
  private constructor(
    private readonly shared: Record<Controller, string>,
    private readonly dirs: Record<Controller, string>,
  ) {}

  /** Finds the server's own cgroups (/proc/self/cgroup), removes groups of dead servers, makes this one's. */
  static async create(name = 'pairwise-sandbox'): Promise<CgroupParent> {
    const own = await ownCgroupPaths();
    const shared = {} as Record<Controller, string>;
    for (const controller of CONTROLLERS) {
      const path = own.get(controller);
      if (path === undefined)
        throw new Error(`RUNNER=sandbox needs the cgroup v1 ${controller} controller at ${CGROUP_MOUNT}/${controller}`);
      shared[controller] = join(CGROUP_MOUNT, controller, path, name);
      await mkdir(shared[controller], { recursive: true });
    }
    await removeDeadServers(shared);
    // `<pid>.<random>`: two sandboxes of one process (tests) keep apart too; the pid tells a dead server's.
    const parent = new CgroupParent(shared, within(shared, `${process.pid}.${randomUUID().slice(0, 8)}`));
    for (const dir of Object.values(parent.dirs)) await mkdir(dir, { recursive: true });
    return parent;
  }

  /** A fresh group for one step, with its limits written before any process enters it. */
  async child(name: string, limits: CgroupLimits): Promise<StepCgroup> {
    const dirs = within(this.dirs, name);
    for (const dir of Object.values(dirs)) await mkdir(dir);
    const group = new StepCgroup(dirs);
    await group.limit(limits);
    return group;
  }

  /** Names of the step groups that exist now (tests check none are left). */
  children(): Promise<string[]> {
    return subdirectories(this.dirs.pids);
  }

  /** Kills what is left in this server's groups and removes them (the server is stopping). */
  async destroy(): Promise<void> {
    for (const name of await this.children()) await new StepCgroup(within(this.dirs, name)).destroy();
    await new StepCgroup(this.dirs).destroy();
    // The shared group goes with the last sandbox using it: a cgroup left behind would keep whoever owns
    // the server's own cgroup (a supervisor) from removing it. Another instance's group keeps it (ENOTEMPTY),
    // and one starting now makes it again (mkdir -p).
    for (const dir of Object.values(this.shared)) await rmdir(dir).catch(() => {});
  }
}

/** The groups of server processes that no longer exist (they crashed): whatever is left in them is killed. */
async function removeDeadServers(shared: Record<Controller, string>): Promise<void> {
  for (const name of await subdirectories(shared.pids)) {
    if (isAlive(Number(name.split('.')[0]))) continue;
    const server = within(shared, name);
    for (const step of await subdirectories(server.pids)) await new StepCgroup(within(server, step)).destroy();
    await new StepCgroup(server).destroy();
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return isCode(err, 'EPERM');
  }
}

function within(dirs: Record<Controller, string>, name: string): Record<Controller, string> {
  return Object.fromEntries(CONTROLLERS.map((controller) => [controller, join(dirs[controller], name)])) as Record<Controller, string>;
}

async function subdirectories(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((err: unknown) => {
    if (isCode(err, 'ENOENT')) return [];
    throw err;
  });
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
}

/** One step's cgroups (memory, pids, cpu): its processes enter them through `procsFiles`. */
export class StepCgroup {
  constructor(private readonly dirs: Record<Controller, string>) {}

  /** The `cgroup.procs` files a process writes its pid to, to enter every group. */
  get procsFiles(): string[] {
    return CONTROLLERS.map((controller) => join(this.dirs[controller], 'cgroup.procs'));
  }

  async limit({ memoryBytes, pids, cpus }: CgroupLimits): Promise<void> {
    await writeFile(join(this.dirs.memory, 'memory.limit_in_bytes'), String(memoryBytes));
    // Swap counted too where the kernel accounts it (memsw exists only then), so swapping is no way out.
    await writeFile(join(this.dirs.memory, 'memory.memsw.limit_in_bytes'), String(memoryBytes)).catch(ignoreMissing);
    await writeFile(join(this.dirs.pids, 'pids.max'), String(pids));
    await writeFile(join(this.dirs.cpu, 'cpu.cfs_period_us'), String(CPU_PERIOD_US));
    await writeFile(join(this.dirs.cpu, 'cpu.cfs_quota_us'), String(Math.max(1_000, Math.round(cpus * CPU_PERIOD_US))));
  }

  /** Which limit the kernel enforced on the group, if any (the memory one kills; the pids one refuses forks). */
  async limitHit(): Promise<CgroupLimitHit | null> {
    const oom = await readFile(join(this.dirs.memory, 'memory.oom_control'), 'utf8').catch(() => '');
    if (/^oom_kill [1-9]/m.test(oom)) return 'memory';
    const pids = await readFile(join(this.dirs.pids, 'pids.events'), 'utf8').catch(() => '');
    if (/^max [1-9]/m.test(pids)) return 'pids';
    return null;
  }

  /** SIGKILLs every process in the group, round after round until none is left (a fork bomb keeps forking). */
  async killAll(): Promise<void> {
    for (let round = 0; round < KILL_ROUNDS; round++) {
      const pids = await this.pids();
      if (pids.length === 0) return;
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      await sleep(KILL_ROUND_PAUSE_MS);
    }
    throw new Error(`processes of sandbox group ${this.dirs.pids} survived ${KILL_ROUNDS} rounds of SIGKILL`);
  }

  /** Kills what is left and removes the groups (a group is removable once its last process is reaped). */
  async destroy(): Promise<void> {
    await this.killAll();
    for (const dir of Object.values(this.dirs)) {
      for (let attempt = 0; ; attempt++) {
        try {
          await rmdir(dir);
          break;
        } catch (err) {
          if (isCode(err, 'ENOENT')) break;
          if (!isCode(err, 'EBUSY') || attempt >= KILL_ROUNDS) throw err;
          await sleep(KILL_ROUND_PAUSE_MS);
        }
      }
    }
  }

  private async pids(): Promise<number[]> {
    const text = await readFile(join(this.dirs.pids, 'cgroup.procs'), 'utf8').catch((err: unknown) => {
      if (isCode(err, 'ENOENT')) return '';
      throw err;
    });
    return text.split('\n').filter(Boolean).map(Number);
  }
}

/** controller -> this process's cgroup path in it, from /proc/self/cgroup (`4:memory:/some/path`). */
async function ownCgroupPaths(): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  const text = await readFile('/proc/self/cgroup', 'utf8');
  for (const line of text.split('\n')) {
    const [, controllers, path] = line.split(':');
    if (!controllers || path === undefined) continue;
    for (const controller of controllers.split(',')) paths.set(controller, path);
  }
  return paths;
}

function isCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

function ignoreMissing(err: unknown): void {
  if (!isCode(err, 'ENOENT')) throw err;
}
