import { describe, expect, it } from 'vitest';
import { IDENTITY_KEY, NAME_MAX, USER_COLORS, loadIdentity, normalizeName, pickColor, saveName } from './identity';
import { memoryStore } from './storage';

describe('identity', () => {
  it('picks a colour once and keeps it across loads', () => {
    const store = memoryStore();
    const first = loadIdentity(store, () => 0.5);
    expect(first.name).toBeNull();
    expect(USER_COLORS).toContain(first.color);
    const second = loadIdentity(store, () => 0);
    expect(second.color).toBe(first.color);
  });

  it('remembers the name with the colour', () => {
    const store = memoryStore();
    const saved = saveName(store, '  Ada   Lovelace ', () => 0);
    expect(saved).toEqual({ name: 'Ada Lovelace', color: USER_COLORS[0] });
    expect(loadIdentity(store)).toEqual(saved);
  });

  it('rejects empty names', () => {
    expect(() => saveName(memoryStore(), '   ')).toThrow();
    expect(normalizeName('\t\n')).toBeNull();
  });

  it('caps names at the protocol limit', () => {
    expect(normalizeName('x'.repeat(200))).toHaveLength(NAME_MAX);
  });

  it('repairs garbage in storage instead of failing', () => {
    const store = memoryStore({ [IDENTITY_KEY]: '{"name": 42, "color": "red"}' });
    const identity = loadIdentity(store, () => 0.99);
    expect(identity).toEqual({ name: null, color: USER_COLORS[USER_COLORS.length - 1] });
    expect(loadIdentity(memoryStore({ [IDENTITY_KEY]: 'not json' })).name).toBeNull();
  });

  it('never picks outside the palette, even for random() === 1', () => {
    expect(USER_COLORS).toContain(pickColor(() => 1));
    expect(USER_COLORS).toContain(pickColor(() => 0));
  });
});
