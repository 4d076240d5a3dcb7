import type { Pool, PoolClient, QueryConfig, QueryResult, QueryResultRow } from 'pg';

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
    client.release(broken);
  }
}

/** bigint columns arrive as strings (node-postgres will not guess at precision); null stays null. */
export function epochOrNull(value: string | null): number | null {
  return value === null ? null : Number(value);
}
