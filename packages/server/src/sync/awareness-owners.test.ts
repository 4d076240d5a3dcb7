import { describe, expect, it } from 'vitest';
import { AwarenessOwners, type IdUse, type OwnedIds } from './awareness-owners.js';

/** Awareness client-id ownership: first announcement claims, disconnect reserves for the same principal. */

const set = (id: number) => ({ clientId: id, removed: false });
const unset = (id: number) => ({ clientId: id, removed: true });

/** The owners as a room uses them, with its connections named: each name keeps the ids its connect returned. */
function owners(maxIdsPerConnection = 4, graceMs = 30_000) {
  const clock = { now: 1_000 };
  const inner = new AwarenessOwners({ maxIdsPerConnection, graceMs }, () => clock.now);
  const connections = new Map<string, OwnedIds>();
  const held = (name: string): OwnedIds => connections.get(name) ?? { principal: `never-connected:${name}`, ids: [], connected: false };
  const o = {
    connect: (name: string, principal: string) => void connections.set(name, inner.connect(principal)),
    claim: (name: string, uses: readonly IdUse[]) => inner.claim(held(name), uses),
    disconnect: (name: string) => inner.disconnect(held(name)),
  };
  return { owners: o, clock };
}

describe('AwarenessOwners', () => {
  it('the first connection to announce an id owns it; others may neither set nor remove it', () => {
    const { owners: o } = owners();
    o.connect('a', 'guest:a');
    o.connect('b', 'guest:b');
    expect(o.claim('a', [set(11)])).toEqual(new Set([11]));
    expect(o.claim('b', [set(11), unset(11), set(22)])).toEqual(new Set([22]));
    expect(o.claim('a', [unset(11), set(11)])).toEqual(new Set([11]));
  });

  it('removing a state never claims a free id', () => {
    const { owners: o } = owners();
    o.connect('a', 'guest:a');
    expect(o.claim('a', [unset(11)])).toEqual(new Set());
    o.connect('b', 'guest:b');
    expect(o.claim('b', [set(11)])).toEqual(new Set([11]));
  });

  it('a connection owns at most maxIdsPerConnection ids; the extra ones are dropped', () => {
    const { owners: o } = owners(2);
    o.connect('a', 'guest:a');
    expect(o.claim('a', [set(1), set(2), set(3)])).toEqual(new Set([1, 2]));
    expect(o.claim('a', [set(4), set(1)])).toEqual(new Set([1]));
  });

  it('a freed id stays reserved for the same principal during the grace period, then is free', () => {
    const { owners: o, clock } = owners(4, 30_000);
    o.connect('a', 'user:ada');
    o.claim('a', [set(11)]);
    expect(o.disconnect('a')).toEqual([11]);

    o.connect('mallory', 'guest:m');
    expect(o.claim('mallory', [set(11)])).toEqual(new Set());
    clock.now += 29_999;
    expect(o.claim('mallory', [set(11)])).toEqual(new Set());

    o.connect('a2', 'user:ada');
    expect(o.claim('a2', [set(11)])).toEqual(new Set([11]));
    o.disconnect('a2');
    clock.now += 30_000;
    expect(o.claim('mallory', [set(11)])).toEqual(new Set([11]));
  });

  it('an unknown or disconnected connection owns nothing', () => {
    const { owners: o } = owners();
    expect(o.claim('ghost', [set(1)])).toEqual(new Set());
    expect(o.disconnect('ghost')).toEqual([]);
    o.connect('gone', 'guest:g');
    expect(o.claim('gone', [set(2)])).toEqual(new Set([2]));
    expect(o.disconnect('gone')).toEqual([2]);
    expect(o.claim('gone', [set(2), set(3)])).toEqual(new Set());
    expect(o.disconnect('gone')).toEqual([]);
  });

  it('reserves again after every earlier reservation expired', () => {
    // The reservations are made on demand and dropped once none is left (issue 9: room memory).
    const { owners: o, clock } = owners(4, 30_000);
    o.connect('a', 'user:ada');
    o.claim('a', [set(11)]);
    o.disconnect('a');
    clock.now += 30_000;
    o.connect('idle', 'guest:i');
    o.disconnect('idle');

    o.connect('c', 'user:cy');
    expect(o.claim('c', [set(11)])).toEqual(new Set([11]));
    expect(o.disconnect('c')).toEqual([11]);
    o.connect('mallory', 'guest:m');
    expect(o.claim('mallory', [set(11)])).toEqual(new Set());
    clock.now += 30_000;
    expect(o.claim('mallory', [set(11)])).toEqual(new Set([11]));
  });
});
