import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { newDoc } from './new-doc.js';

describe('newDoc', () => {
  it('makes a fresh document with a random UUID guid and client id, as Yjs does by default', () => {
    const [a, b] = [newDoc(), newDoc()];
    expect(a.guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.guid).not.toBe(b.guid);
    expect(a.clientID).not.toBe(b.clientID);
    expect(a.gc).toBe(new Y.Doc().gc);
    a.getText('code').insert(0, 'hi');
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(b.getText('code').toString()).toBe('hi');
  });
});
