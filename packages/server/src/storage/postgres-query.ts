import type { Pool, PoolClient, QueryConfig, QueryResult, QueryResultRow } from 'pg';
import { type RoomRecord, type RoomWrite, StoreUnreachableError } from './store.js';

export type Queryable = Pick<PoolClient, 'query'>;

/**
 * Runs one of a module's named queries, so each pooled connection parses and plans it only once.
 * `name` must be unique across the whole store: prefix it with the module's part.
 */
export function runNamed<Row extends QueryResultRow = QueryResultRow>(
  db: Queryable,
  name: string,
  text: string,
  values: unknown[],
): Promise<QueryResult<Row>> {
  const config: QueryConfig<unknown[]> = { name: `pairwise_${name}`, text, values };
  return db.query<Row>(config).catch(rethrowUnreachable);
}

export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect().catch(rethrowUnreachable);
  let broken = false;
  // The pool stops listening to a client it hands out. A connection lost between two statements
  // (the server restarted, pg_terminate_backend) would then emit 'error' with nobody listening
  // and crash the process; the next statement fails with the cause anyway.
  const markBroken = (): void => {
    broken = true;
  };
  client.on('error', markBroken);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A connection that cannot even roll back is not fit to go back into the pool.
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    return rethrowUnreachable(error);
  } finally {
    client.off('error', markBroken);
    client.release(broken);
  }
}

/** bigint columns arrive as strings (node-postgres will not guess at precision); null stays null. */
export function epochOrNull(value: string | null): number | null {
  return value === null ? null : Number(value);
}

/** A `rooms` row as queried; bigint columns arrive as strings: node-postgres will not guess at precision. */
export interface RoomRow {
  id: string;
  name: string;
  language: string;
  createdAt: string;
  updatedAt: string;
}

export function toRoomRecord(row: RoomRow): RoomRecord {
  return {
    id: row.id,
    name: row.name,
    language: row.language,
    createdAt: Number(row.createdAt),
    updatedAt: Number(row.updatedAt),
  };
}

/** SQLSTATE classes and codes of a server that is going away or not there yet (not of a bad statement). */
const UNREACHABLE_SQLSTATE = /^(08|57P0[123]|53300$)/;
/** Socket errors of a connection that could not be made or was lost. */
const UNREACHABLE_SOCKET = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** node-postgres's own errors for a lost connection carry no code, only these messages. */
const UNREACHABLE_MESSAGE = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/** Rethrows a driver error that means the database is out of reach as StoreUnreachableError; any other error as it is. */
export function rethrowUnreachable(error: unknown): never {
  throw isUnreachable(error) ? new StoreUnreachableError(error) : error;
}

function isUnreachable(error: unknown): boolean {
  if (!(error instanceof Error) || error instanceof StoreUnreachableError) return false;
  const code = 'code' in error && typeof error.code === 'string' ? error.code : '';
  return UNREACHABLE_SQLSTATE.test(code) || UNREACHABLE_SOCKET.has(code) || UNREACHABLE_MESSAGE.test(error.message);
}

/** Rows as the column arrays `unnest` takes. */
export function columnsOf(rows: readonly (readonly unknown[])[], width: number): unknown[][] {
  return Array.from({ length: width }, (_, column) => rows.map((row) => row[column]));
}

/** Each (room, author) once, in key order: two commits upserting the same authors lock them alike. */
export function authorRows(writes: readonly RoomWrite[]): [string, string, string, string][] {
  const rows = new Map<string, [string, string, string, string]>();
  for (const w of writes) for (const a of w.authors ?? []) rows.set(`${w.roomId}\u0000${a.id}`, [w.roomId, a.id, a.name, a.color]);
  return [...rows.keys()].sort().map((key) => rows.get(key) as [string, string, string, string]);
}

/** A plain Uint8Array view (no copy): callers get the type the contract names, not a Buffer. */
export function view(data: Buffer): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
