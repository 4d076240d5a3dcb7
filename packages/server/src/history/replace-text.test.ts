import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { seededRandom } from '../../test/support/random.js';
import { replaceTextMinimally } from './replace-text.js';

describe('replaceTextMinimally', () => {
  it('reaches the target for random texts, surrogate pairs included', () => {
    const random = seededRandom(7);
    const alphabet = ['a', 'b', '\n', ' ', '😀', 'é', '{', '}'];
    const make = () => Array.from({ length: Math.floor(random() * 40) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    for (let i = 0; i < 300; i++) {
      const doc = new Y.Doc();
      const text = doc.getText('code');
      text.insert(0, make());
      const target = make();
      doc.transact(() => replaceTextMinimally(text, target));
      expect(text.toString()).toBe(target);
    }
  });

  it('keeps a concurrent edit in a region the restore leaves alone', () => {
    const base = new Y.Doc();
    base.getText('code').insert(0, 'def f():\n    return 1\n\nprint(f())\n');
    const restorer = new Y.Doc();
    const typist = new Y.Doc();
    Y.applyUpdate(restorer, Y.encodeStateAsUpdate(base));
    Y.applyUpdate(typist, Y.encodeStateAsUpdate(base));
    restorer.transact(() => replaceTextMinimally(restorer.getText('code'), 'def f():\n    return 2\n\nprint(f())\n'));
    typist.getText('code').insert(typist.getText('code').length, '# typed meanwhile\n');
    Y.applyUpdate(restorer, Y.encodeStateAsUpdate(typist));
    Y.applyUpdate(typist, Y.encodeStateAsUpdate(restorer));
    expect(restorer.getText('code').toString()).toBe('def f():\n    return 2\n\nprint(f())\n# typed meanwhile\n');
    expect(typist.getText('code').toString()).toBe(restorer.getText('code').toString());
  });
});
