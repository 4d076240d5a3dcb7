import type { Pool } from 'pg';
import { assertListLimit } from './list-page.js';
import { epochOrNull, inTransaction, runNamed } from './postgres-query.js';
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

const SELECT_COLUMNS = `id, language, started_by_id AS "startedById", started_by_name AS "startedByName",
  started_by_color AS "startedByColor", started_at AS "startedAt", finished_at AS "finishedAt", status, exit_code AS "exitCode",
  duration_ms AS "durationMs", output, output_bytes AS "outputBytes", truncated`;
const COLUMN_COUNT = RUN_COLUMNS_SQL.length;
const PLACEHOLDERS = RUN_COLUMNS_SQL.map((_, i) => `$${i + 1}`).join(', ');
// $1 is the id; the rest follow in RUN_COLUMNS_SQL order, then saved_at and the room.
const ASSIGNMENTS = RUN_COLUMNS_SQL.slice(1)
  .map((column, i) => `${column} = $${i + 2}`)
  .join(', ');

const SQL = {
  // FOR KEY SHARE: a room deleted meanwhile cannot leave a run behind (the delete waits, then cascades);
  // the incarnation: nor can a run of a deleted room land in one re-created under its id.
  createRun: `INSERT INTO room_runs (${RUN_COLUMNS_SQL.join(', ')}, saved_at, room_id)
    SELECT ${PLACEHOLDERS}, $${COLUMN_COUNT + 1}, r.id
    FROM (SELECT id FROM rooms WHERE id = $${COLUMN_COUNT + 2} AND incarnation = $${COLUMN_COUNT + 3} FOR KEY SHARE) r
    ON CONFLICT (id) DO NOTHING`,
  saveRun: `UPDATE room_runs SET ${ASSIGNMENTS}, saved_at = $${COLUMN_COUNT + 1}
    WHERE id = $1 AND room_id = $${COLUMN_COUNT + 2} AND status = 'running'`,
  runsNewest: `SELECT ${SELECT_COLUMNS} FROM room_runs WHERE room_id = $1 ORDER BY started_at DESC LIMIT $2`,
  runsBefore: `SELECT ${SELECT_COLUMNS} FROM room_runs WHERE room_id = $1 AND started_at < $2 ORDER BY started_at DESC LIMIT $3`,
  staleRuns: `SELECT ${SELECT_COLUMNS} FROM room_runs WHERE room_id = $1 AND status = 'running' AND saved_at < $2 FOR UPDATE`,
} as const;

/** bigint columns arrive as strings. */
type PostgresRunRow = Omit<RunRow, 'startedAt' | 'finishedAt' | 'durationMs'> & {
  startedAt: string;
  finishedAt: string | null;
  durationMs: string | null;
};

/** The RunStore of the PostgreSQL store, on the pool PostgresRoomStore owns. */
export class PostgresRuns implements RunStore {
  constructor(private readonly pool: Pool) {}

  async createRun(roomId: string, incarnation: string, run: StoredRun, savedAt: number): Promise<boolean> {
    const values = [...postgresValues(run), savedAt, roomId, incarnation];
    const { rowCount } = await runNamed(this.pool, 'runs_create', SQL.createRun, values);
    return (rowCount ?? 0) > 0;
  }

  async saveRun(roomId: string, run: StoredRun, savedAt: number): Promise<boolean> {
    const { rowCount } = await runNamed(this.pool, 'runs_save', SQL.saveRun, [...postgresValues(run), savedAt, roomId]);
    return (rowCount ?? 0) > 0;
  }

  async listRuns(roomId: string, before: number | null, limit: number): Promise<StoredRunPage> {
    assertListLimit(limit);
    const { rows } =
      before === null
        ? await runNamed<PostgresRunRow>(this.pool, 'runs_newest', SQL.runsNewest, [roomId, limit + 1])
        : await runNamed<PostgresRunRow>(this.pool, 'runs_before', SQL.runsBefore, [roomId, before, limit + 1]);
    return runPageOfRows(rows.map(fromPostgres), limit);
  }

  async loseStaleRuns(roomId: string, savedBefore: number, at: number): Promise<StoredRun[]> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await runNamed<PostgresRunRow>(client, 'runs_stale', SQL.staleRuns, [roomId, savedBefore]);
      const lost = rows.map((row) => lostRun(fromPostgres(row), at));
      for (const run of lost) await runNamed(client, 'runs_save', SQL.saveRun, [...postgresValues(run), at, roomId]);
      return lost;
    });
  }
}

function postgresValues(run: StoredRun): unknown[] {
  return runValues(run, JSON.stringify(run.output), run.truncated);
}

function fromPostgres(row: PostgresRunRow): StoredRun {
  return runOfRow({
    ...row,
    startedAt: Number(row.startedAt),
    finishedAt: epochOrNull(row.finishedAt),
    durationMs: epochOrNull(row.durationMs),
  });
}
