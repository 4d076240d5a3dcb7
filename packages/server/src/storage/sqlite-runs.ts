import type Database from 'better-sqlite3';
import { assertListLimit } from './list-page.js';
import {
  lostRun,
  RUN_COLUMNS_SQL,
  type RunRow,
  type RunStore,
  runOfRow,
  runPageOfRows,
  runValues,
  type StoredRun,
  type StoredRunPage,
} from './runs.js';

const SELECT_COLUMNS = `id, language, started_by_id AS startedById, started_by_name AS startedByName,
  started_by_color AS startedByColor, started_at AS startedAt, finished_at AS finishedAt, status, exit_code AS exitCode,
  duration_ms AS durationMs, output, output_bytes AS outputBytes, truncated`;
const PLACEHOLDERS = RUN_COLUMNS_SQL.map(() => '?').join(', ');
const ASSIGNMENTS = RUN_COLUMNS_SQL.filter((column) => column !== 'id')
  .map((column) => `${column} = ?`)
  .join(', ');

const SQL = {
  // Inserts nothing when the room is missing (in that incarnation) or the id was used before.
  createRun: `INSERT INTO room_runs (${RUN_COLUMNS_SQL.join(', ')}, saved_at, room_id)
    SELECT ${PLACEHOLDERS}, ?, ? WHERE EXISTS (SELECT 1 FROM rooms WHERE id = ? AND incarnation = ?) ON CONFLICT (id) DO NOTHING`,
  saveRun: `UPDATE room_runs SET ${ASSIGNMENTS}, saved_at = ? WHERE id = ? AND room_id = ? AND status = 'running'`,
  runsNewest: `SELECT ${SELECT_COLUMNS} FROM room_runs WHERE room_id = ? ORDER BY started_at DESC LIMIT ?`,
  runsBefore: `SELECT ${SELECT_COLUMNS} FROM room_runs WHERE room_id = ? AND started_at < ? ORDER BY started_at DESC LIMIT ?`,
  staleRuns: `SELECT ${SELECT_COLUMNS} FROM room_runs WHERE room_id = ? AND status = 'running' AND saved_at < ?`,
} as const;

type Statements = { [K in keyof typeof SQL]: Database.Statement };

/** SQLite keeps the output as JSON text and booleans as 0/1. */
type SqliteRunRow = Omit<RunRow, 'output' | 'truncated'> & { output: string; truncated: 0 | 1 };

/** The RunStore of the SQLite store, on the connection SqliteRoomStore owns. */
export class SqliteRuns implements RunStore {
  private readonly stmt: Statements;

  constructor(private readonly db: Database.Database) {
    this.stmt = Object.fromEntries(Object.entries(SQL).map(([key, sql]) => [key, db.prepare(sql)])) as Statements;
  }

  async createRun(roomId: string, incarnation: string, run: StoredRun, savedAt: number): Promise<boolean> {
    return this.stmt.createRun.run(...sqliteValues(run), savedAt, roomId, roomId, incarnation).changes > 0;
  }

  async saveRun(roomId: string, run: StoredRun, savedAt: number): Promise<boolean> {
    return this.saveRunNow(roomId, run, savedAt);
  }

  async listRuns(roomId: string, before: number | null, limit: number): Promise<StoredRunPage> {
    assertListLimit(limit);
    const rows = (
      before === null ? this.stmt.runsNewest.all(roomId, limit + 1) : this.stmt.runsBefore.all(roomId, before, limit + 1)
    ) as SqliteRunRow[];
    return runPageOfRows(rows.map(fromSqlite), limit);
  }

  async loseStaleRuns(roomId: string, savedBefore: number, at: number): Promise<StoredRun[]> {
    return this.db.transaction(() => {
      const lost = (this.stmt.staleRuns.all(roomId, savedBefore) as SqliteRunRow[]).map((row) => lostRun(fromSqlite(row), at));
      for (const run of lost) this.saveRunNow(roomId, run, at);
      return lost;
    })();
  }

  private saveRunNow(roomId: string, run: StoredRun, savedAt: number): boolean {
    const [id, ...rest] = sqliteValues(run);
    return this.stmt.saveRun.run(...rest, savedAt, id, roomId).changes > 0;
  }
}

function sqliteValues(run: StoredRun): unknown[] {
  return runValues(run, JSON.stringify(run.output), run.truncated ? 1 : 0);
}

function fromSqlite(row: SqliteRunRow): StoredRun {
  const { output, truncated, ...rest } = row;
  return runOfRow({ ...rest, output: JSON.parse(output) as RunRow['output'], truncated: truncated === 1 });
}
