import { describe, expect, it } from 'vitest';
import { Readiness, storeProbe } from './readiness.js';

const failing = (name: string, message: string) => ({
  name,
  check: async () => {
    throw new Error(message);
  },
});
const answering = (name: string) => ({ name, check: async () => {} });

describe('Readiness', () => {
  it('is ready when every probe answers, and names the first failing probe otherwise', async () => {
    const readiness = new Readiness();
    expect(await readiness.answer()).toEqual({ ready: true });
    readiness.add(answering('store'));
    readiness.add(failing('redis', 'connection refused'));
    readiness.add(failing('other', 'later'));
    expect(await readiness.answer()).toEqual({ ready: false, reason: 'redis: connection refused' });
  });

  it('a probe that does not answer in time fails', async () => {
    const readiness = new Readiness(20);
    readiness.add({ name: 'store', check: () => new Promise<void>(() => {}) });
    expect(await readiness.answer()).toEqual({ ready: false, reason: 'store: no answer within 20 ms' });
  });

  it('draining is not ready, for good, whatever the probes say', async () => {
    const readiness = new Readiness();
    readiness.add(answering('store'));
    readiness.drain();
    expect(readiness.draining).toBe(true);
    expect(await readiness.answer()).toEqual({ ready: false, reason: 'draining: the server is shutting down' });
  });

  it('idle() waits for every admitted request; finishing one twice counts once', async () => {
    const readiness = new Readiness();
    await readiness.idle();
    const first = readiness.admit();
    const second = readiness.admit();
    let idle = false;
    const waiting = readiness.idle().then(() => (idle = true));
    first();
    first();
    await new Promise((r) => setTimeout(r, 5));
    expect(idle).toBe(false);
    second();
    await waiting;
    expect(idle).toBe(true);
  });
});

describe('storeProbe', () => {
  it('fails while the store answers pings but its writes fail', async () => {
    const commits = { failing: false };
    const probe = storeProbe({ ping: async () => {} }, commits);
    await expect(probe.check()).resolves.toBeUndefined();
    commits.failing = true;
    await expect(probe.check()).rejects.toThrow('writing edits fails');
  });
});
