import type { HistoryAuthor, RunOutputChunk, RunStatus } from '@pairwise/protocol';

/** A run of a room's code as stored: times in epoch milliseconds; the output kept so far (capped by the service). */
export interface StoredRun {
  id: string;
  language: string;
  startedBy: HistoryAuthor;
  startedAt: number;
  finishedAt: number | null;
  status: RunStatus;
  exitCode: number | null;
  durationMs: number | null;
  output: RunOutputChunk[];
  outputBytes: number;
  truncated: boolean;
}

export interface StoredRunPage {
  /** Newest first. */
  runs: StoredRun[];
  /** Whether runs started before the last on this page exist. */
  hasOlder: boolean;
}

/**
 * The runs of each room, kept with the room and deleted with it. A running run is written when it
 * starts, every few seconds while it runs and when it ends; `savedAt` is when it was last written,
 * so a run whose instance died (never written again) can be told from one still going.
 */
export interface RunStore {
  /**
   * Stores a new run of the room's life `incarnation` (from `loadDocument`); false if the room does not
   * exist in that incarnation (deleted, perhaps re-created since) or a run with this id was stored before (in any room).
   */
  createRun(roomId: string, incarnation: string, run: StoredRun, savedAt: number): Promise<boolean>;
  /** Overwrites the record of a run still `running` in the room; false if there is none (ended, deleted, another room's). */
  saveRun(roomId: string, run: StoredRun, savedAt: number): Promise<boolean>;
  /**
   * The newest `limit` runs started before `before` (all when null), newest first. An unknown room
   * has none. `limit` must be a positive integer (RangeError otherwise).
   */
  listRuns(roomId: string, before: number | null, limit: number): Promise<StoredRunPage>;
  /**
   * Ends as `lost` (at `at`) the room's runs still `running` that were last written before
   * `savedBefore`: their instance stopped writing them. Returns them as they are now stored.
   */
  loseStaleRuns(roomId: string, savedBefore: number, at: number): Promise<StoredRun[]>;
}

/** The page of a query that fetched `limit + 1` runs newest first: the extra one only tells whether older ones exist. */
export function runPageOfRows(newestFirst: readonly StoredRun[], limit: number): StoredRunPage {
  return { runs: newestFirst.slice(0, limit), hasOlder: newestFirst.length > limit };
}

/** The run a stale one becomes when it is found (lost: no exit code; its duration up to its last write is unknown). */
export function lostRun(run: StoredRun, at: number): StoredRun {
  return { ...run, status: 'lost', finishedAt: at, durationMs: Math.max(0, at - run.startedAt) };
}

/** A room_runs row as the SQL stores select it (PostgreSQL's bigints converted, SQLite's JSON parsed first). */
export interface RunRow {
  id: string;
  language: string;
  startedById: string;
  startedByName: string;
  startedByColor: string;
  startedAt: number;
  finishedAt: number | null;
  status: RunStatus;
  exitCode: number | null;
  durationMs: number | null;
  output: RunOutputChunk[];
  outputBytes: number;
  truncated: boolean;
}

export const RUN_COLUMNS_SQL = [
  'id',
  'language',
  'started_by_id',
  'started_by_name',
  'started_by_color',
  'started_at',
  'finished_at',
  'status',
  'exit_code',
  'duration_ms',
  'output',
  'output_bytes',
  'truncated',
] as const;

export function runOfRow(row: RunRow): StoredRun {
  const { startedById, startedByName, startedByColor, ...rest } = row;
  return { ...rest, startedBy: { id: startedById, name: startedByName, color: startedByColor } };
}

/** The stored columns of a run, in RUN_COLUMNS_SQL order (output as given: JSON text or an object). */
export function runValues(run: StoredRun, output: unknown, truncated: unknown): unknown[] {
  const { id, language, startedBy, startedAt, finishedAt, status, exitCode, durationMs, outputBytes } = run;
  return [
    id,
    language,
    startedBy.id,
    startedBy.name,
    startedBy.color,
    startedAt,
    finishedAt,
    status,
    exitCode,
    durationMs,
    output,
    outputBytes,
    truncated,
  ];
}

export function copyRun(run: StoredRun): StoredRun {
  return { ...run, startedBy: { ...run.startedBy }, output: run.output.map((chunk) => ({ ...chunk })) };
}
