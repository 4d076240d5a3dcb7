import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SessionRecord, type UserRecord, UsernameTakenError } from './accounts.js';
import type { Store } from './store.js';

export interface OpenedFullStore {
  store: Store;
  /** Another instance on the same database (closed by cleanup); null where there is no database to share. */
  openAnother: (() => Promise<Store>) | null;
  cleanup: () => Promise<void>;
}

/** The behaviour every AccountStore implementation must show. `open` gives each test a fresh store. */
export function describeAccountStoreContract(name: string, open: () => Promise<OpenedFullStore>): void {
  describe(`${name} (AccountStore contract)`, () => {
    let opened: OpenedFullStore;
    let store: Store;

    beforeEach(async () => {
      opened = await open();
      store = opened.store;
    });
    afterEach(async () => {
      await opened.cleanup();
    });

    it('creates a user and finds it by name and by id', async () => {
      const alice = user('u1', 'alice');
      await store.createUser(alice);
      expect(await store.findUserByName('alice')).toEqual(alice);
      expect(await store.getUser('u1')).toEqual(alice);
      expect(await store.findUserByName('bob')).toBeNull();
      expect(await store.getUser('u2')).toBeNull();
    });

    it('refuses a taken username whatever its case, keeping the first account', async () => {
      await store.createUser(user('u1', 'alice'));
      await expect(store.createUser(user('u2', 'alice'))).rejects.toBeInstanceOf(UsernameTakenError);
      await expect(store.createUser(user('u3', 'ALICE'))).rejects.toMatchObject({ name: 'UsernameTakenError', username: 'ALICE' });
      expect(await store.getUser('u2')).toBeNull();
      expect(await store.getUser('u3')).toBeNull();
      expect((await store.findUserByName('Alice'))?.id).toBe('u1');
    });

    it('stores sessions and revokes each only once', async () => {
      await store.createUser(user('u1', 'alice'));
      const first = session('s1', 'u1');
      await store.createSession(first);
      await store.createSession(session('s2', 'u1'));
      expect(await store.getSession('s1')).toEqual(first);
      expect(await store.revokeSession('s1', 5_000)).toBe(true);
      expect(await store.revokeSession('s1', 6_000)).toBe(false);
      expect(await store.getSession('s1')).toEqual({ ...first, revokedAt: 5_000 });
      expect((await store.getSession('s2'))?.revokedAt).toBeNull();
      expect(await store.revokeSession('missing', 5_000)).toBe(false);
      expect(await store.getSession('missing')).toBeNull();
    });

    it('keeps the first value of a secret', async () => {
      expect(await store.ensureSecret('jwt', 'first')).toBe('first');
      expect(await store.ensureSecret('jwt', 'second')).toBe('first');
      expect(await store.ensureSecret('guest', 'other')).toBe('other');
    });

    it('gives every instance on one database the secret the first one stored', async () => {
      const others = opened.openAnother === null ? [store, store] : await Promise.all([opened.openAnother(), opened.openAnother()]);
      const racing = await Promise.all([store, ...others].map((instance, i) => instance.ensureSecret('jwt', `value-${i}`)));
      expect(new Set(racing).size).toBe(1);
      expect(['value-0', 'value-1', 'value-2']).toContain(racing[0]);
      for (const instance of others) expect(await instance.ensureSecret('jwt', 'late')).toBe(racing[0]);
    });

    it('does not alias records to caller objects', async () => {
      const alice = user('u1', 'alice');
      await store.createUser(alice);
      alice.passwordHash = 'changed';
      const read = await store.getUser('u1');
      if (read) read.username = 'mallory';
      expect(await store.getUser('u1')).toEqual(user('u1', 'alice'));
    });
  });
}

export function user(id: string, username: string): UserRecord {
  return { id, username, passwordHash: `$argon2id$v=19$m=19456,t=2,p=1$${id}`, createdAt: 1_000 };
}

function session(id: string, userId: string): SessionRecord {
  return { id, userId, createdAt: 2_000, expiresAt: 9_000_000_000_000, revokedAt: null };
}
