import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { RoomExistsError } from './store.js';
import { workerEntry, WorkerClient } from './worker-client.js';

const entry = workerEntry(import.meta.url, 'crashing-worker.testkit');

describe('WorkerClient', () => {
  it('answers calls in order and re-creates thrown errors by name (RoomExistsError survives the trip)', async () => {
    const client = await WorkerClient.start(entry, null);
    const answers = await Promise.all([1, 2, 3].map((n) => client.call('echo', [n])));
    expect(answers).toEqual([1, 2, 3]);
    await expect(client.call('roomExists')).rejects.toBeInstanceOf(RoomExistsError);
    await expect(client.call('nope')).rejects.toThrow(/unknown worker method nope/);
    await client.close();
  });

  it.runIf(process.platform === 'linux')(
    'runs the worker below the event loop’s priority, leaving the event loop’s own alone',
    async () => {
      const before = getPriority(0);
      const client = await WorkerClient.start(entry, null);
      // A worker at the event loop's priority preempted it on a shared core: a group commit's post took 2 ms, not 0.4.
      expect(await client.call('niceValue')).toBe(Math.min(19, before + 10));
      expect(getPriority(0)).toBe(before);
      await client.close();
    },
  );

  it('rejects start when the worker fails to open what it serves, instead of hanging', async () => {
    await expect(WorkerClient.start(entry, { failOpen: true })).rejects.toThrow(RangeError);
  });

  it('rejects start when the worker file cannot run', async () => {
    await expect(WorkerClient.start(workerEntry(import.meta.url, 'no-such-worker'), null)).rejects.toThrow();
  });

  it('rejects the pending call and every later one when the worker exits', async () => {
    const client = await WorkerClient.start(entry, null);
    await expect(client.call('exit')).rejects.toThrow(/exited \(code 3\)/);
    await expect(client.call('echo', [1])).rejects.toThrow(/exited/);
    await client.close();
  });

  it('rejects the pending call when the worker throws outside a call', async () => {
    const client = await WorkerClient.start(entry, null);
    await expect(client.call('throwUncaught')).rejects.toThrow(/uncaught in worker/);
    await expect(client.call('echo', [1])).rejects.toThrow(/uncaught in worker/);
    await client.close();
  });

  it('refuses calls after close', async () => {
    const client = await WorkerClient.start(entry, null);
    await client.close();
    await expect(client.call('echo', [1])).rejects.toThrow(/closed/);
  });
});
