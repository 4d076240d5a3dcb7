import { Client } from 'pg';
import { processCpuMs } from './proc-stats.js';

const SAMPLE_INTERVAL_MS = 250;

/**
 * CPU time of the PostgreSQL backends serving one database: the storage work of a Pairwise on
 * PostgreSQL, which SQLite does inside the server's own process (its worker thread) and which
 * would otherwise go uncounted. The backends are not our children and come and go with the
 * server's pool, so their pids are looked up every 250 ms and the last reading of each is kept:
 * a backend that exits loses at most its last quarter second. Needs PostgreSQL on this machine.
 */
export class DatabaseBackendCpu {
  private readonly lastMs = new Map<number, number>();
  private readonly timer: NodeJS.Timeout;
  private sampling: Promise<void> = Promise.resolve();

  private constructor(
    private readonly client: Client,
    private readonly database: string,
  ) {
    this.timer = setInterval(() => {
      this.sampling = this.sample().catch(() => {});
    }, SAMPLE_INTERVAL_MS);
  }

  /** `adminUrl`: a database other than `database`, so this watcher's own backend is not counted. */
  static async watch(adminUrl: string, database: string): Promise<DatabaseBackendCpu> {
    const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
    client.on('error', () => {});
    await client.connect();
    return new DatabaseBackendCpu(client, database);
  }

  /** Every backend seen so far, the live ones read now. */
  cpuMs(): number {
    let total = 0;
    for (const [pid, last] of this.lastMs) {
      const now = processCpuMs(pid);
      // A pid that is gone (NaN) keeps its last reading; a reused one cannot go below it.
      if (now >= last) this.lastMs.set(pid, now);
      total += this.lastMs.get(pid) ?? last;
    }
    return total;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sampling;
    await this.client.end().catch(() => {});
  }

  private async sample(): Promise<void> {
    const { rows } = await this.client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [this.database]);
    for (const { pid } of rows) {
      if (!this.lastMs.has(pid)) this.lastMs.set(pid, 0);
    }
    this.cpuMs();
  }
}
