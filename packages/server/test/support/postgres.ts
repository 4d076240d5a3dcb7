/**
 * PostgreSQL for tests: one throwaway database per test, on the local cluster.
 *
 * PAIRWISE_TEST_POSTGRES_URL points at a maintenance database to create them from
 * (default postgres://postgres@127.0.0.1:5432/postgres, trust auth).
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { describe, it } from 'vitest';

export interface TestDatabase {
  url: string;
  /** Drops the database, closing any connections still open to it. */
  drop: () => Promise<void>;
}

export function postgresAdminUrl(): string {
  return process.env.PAIRWISE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export async function postgresAvailable(): Promise<boolean> {
  try {
    await withAdminClient((client) => client.query('SELECT 1'));
    return true;
  } catch {
    return false;
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  // Generated, never user input, so it is safe to splice into DDL (which takes no parameters).
  const name = `pairwise_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/**
 * `describe` for suites that need PostgreSQL; call it with top-level await.
 * Without a reachable server it fails in CI (CI=true), so a broken CI setup cannot pass
 * silently, and elsewhere skips with a visible message.
 */
export async function describeWithPostgres(name: string, body: () => void): Promise<void> {
  if (await postgresAvailable()) {
    describe(name, body);
    return;
  }
  const reason = `PostgreSQL is not reachable at ${postgresAdminUrl()}`;
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('has a PostgreSQL server to run against', () => {
        throw new Error(`${reason}. CI must run the PostgreSQL suites: start PostgreSQL or set PAIRWISE_TEST_POSTGRES_URL.`);
      });
    });
    return;
  }
  console.warn(`[skipped] ${name}: ${reason}`);
  describe.skip(`${name} (skipped: ${reason})`, body);
}

async function withAdminClient<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: postgresAdminUrl(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
