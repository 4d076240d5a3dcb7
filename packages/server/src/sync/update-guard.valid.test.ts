import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { assertValidUpdate } from './update-guard.js';
import { VALID_CASES, hex } from './update-guard.testkit.js';

/** The guard never rejects what real Y.Docs produce. */

describe('assertValidUpdate', () => {
  describe('passes every update real Y.Docs produce', () => {
    for (const [name, make] of Object.entries(VALID_CASES)) {
      it(name, () => {
        const updates = make();
        expect(updates.length).toBeGreaterThan(0);
        for (const update of updates) {
          expect(() => assertValidUpdate(update), hex(update)).not.toThrow();
          // Sanity check of the case itself: Yjs accepts it too.
          const doc = new Y.Doc();
          expect(() => Y.applyUpdate(doc, update)).not.toThrow();
          doc.destroy();
        }
      });
    }

    it('the hand-built legacy JSON update is one Yjs really reads', () => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, VALID_CASES['legacy JSON content (written by old Yjs versions)']!()[0]!);
      expect(doc.getMap('legacy').get('k')).toEqual({ a: [1, 2] });
      doc.destroy();
    });
  });
});
