import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { afterEach, expect, it } from 'vitest';
import { DatabaseBackendCpu } from './postgres-cpu.js';

const adminUrl = process.env.PAIRWISE_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
});

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  cleanups.push(() => client.end());
  return client;
}

/** A scratch database on the local PostgreSQL (needed, as by the server's tests: fails without it). */
async function scratchDatabase(): Promise<{ name: string; url: string }> {
  const name = `pairwise_bench_test_${randomBytes(6).toString('hex')}`;
  const admin = await connect(adminUrl);
  await admin.query(`CREATE DATABASE ${name}`);
  cleanups.unshift(async () => {
    const dropper = new Client({ connectionString: adminUrl });
    await dropper.connect();
    await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await dropper.end();
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

it("counts the CPU of the watched database's backends, not of other databases'", async () => {
  const { name, url } = await scratchDatabase();
  const watcher = await DatabaseBackendCpu.watch(adminUrl, name);
  cleanups.push(() => watcher.stop());
  const busy = 'SELECT count(*) FROM generate_series(1, 2000000) AS n WHERE n % 7 = 3';
  // Work on another database first: it must not be counted.
  await (await connect(adminUrl)).query(busy);
  const watched = await connect(url);
  await new Promise((resolve) => setTimeout(resolve, 400));
  const before = watcher.cpuMs();
  await watched.query(busy);
  await new Promise((resolve) => setTimeout(resolve, 400));
  const spent = watcher.cpuMs() - before;
  // generate_series over 2M rows takes well over 50 ms of a backend's CPU on any machine this runs on.
  expect(spent).toBeGreaterThan(50);
  expect(before).toBeLessThan(spent);
});
