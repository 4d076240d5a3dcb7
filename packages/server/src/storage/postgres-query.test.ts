import { Client, Pool } from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '../../test/support/postgres.js';
import { inTransaction } from './postgres-query.js';

await describeWithPostgres('inTransaction', () => {
  let db: TestDatabase;
  let pool: Pool;
  beforeEach(async () => {
    db = await createTestDatabase();
    pool = new Pool({ connectionString: db.url, max: 1 });
    pool.on('error', () => undefined);
  });
  afterEach(async () => {
    await pool.end();
    await db.drop();
  });

  // Regression: the connection's 'error' event had no listener while checked out, and a fault
  // test saw it escape as an uncaught error (in production: a crashed server).
  it('rejects, never crashes, when the connection is lost between two statements; the pool recovers', async () => {
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    try {
      const transaction = inTransaction(pool, async (client) => {
        const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await admin.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
        // No listener of our own: the connection's 'error' must arrive while no statement runs.
        await waitUntilGone(admin, rows[0]?.pid);
        await new Promise((resolve) => setTimeout(resolve, 100));
        await client.query('SELECT 1');
      });
      await expect(transaction).rejects.toThrow();
    } finally {
      await admin.end();
    }
    expect(await inTransaction(pool, async (client) => (await client.query('SELECT 2 AS two')).rows[0])).toEqual({ two: 2 });
  });
});

async function waitUntilGone(admin: Client, pid: number | undefined): Promise<void> {
  for (;;) {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
    if (rowCount === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
