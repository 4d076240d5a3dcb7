import type { Pool, PoolClient, QueryConfig, QueryResult, QueryResultRow } from 'pg';
import type { RoomRecord } from './store.js';

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
  return db.query<Row>(config);
}

export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
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
    throw error;
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
