import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import { InvalidUpdateError, assertValidUpdate } from './update-guard.js';
import { bestTimeMs, guard, handBuilt, oneItem } from './update-guard.testkit.js';

/** The guard turns away the empty buffer, huge declared counts, runaway nesting and unknown content kinds, fast. */

describe('assertValidUpdate', () => {
  it('the empty buffer is rejected with InvalidUpdateError', () => {
    expect(() => assertValidUpdate(new Uint8Array(0))).toThrow(InvalidUpdateError);
  });

  describe('regression: yjs readClientsStructRefs allocates an array of the declared struct count before reading it', () => {
    const huge = 0xffff_fff; // 268M: Yjs would try `new Array(268435455)` and fill it.
    const hugeCases: Record<string, Uint8Array> = {
      'huge client count': handBuilt((e) => {
        encoding.writeVarUint(e, huge);
        encoding.writeVarUint(e, 1);
        encoding.writeVarUint(e, 0);
      }),
      'huge struct count (the allocation trap itself)': handBuilt((e) => {
        encoding.writeVarUint(e, 1);
        encoding.writeVarUint(e, huge);
        encoding.writeVarUint(e, 1); // client
        encoding.writeVarUint(e, 0); // clock
        encoding.writeUint8(e, 0); // one GC struct ...
        encoding.writeVarUint(e, 1);
      }),
      'huge struct count at max safe integer': handBuilt((e) => {
        encoding.writeVarUint(e, 1);
        encoding.writeVarUint(e, Number.MAX_SAFE_INTEGER);
        encoding.writeVarUint(e, 1);
        encoding.writeVarUint(e, 0);
      }),
      'huge struct count in the second client section': handBuilt((e) => {
        encoding.writeVarUint(e, 2);
        encoding.writeVarUint(e, 1);
        encoding.writeVarUint(e, 1);
        encoding.writeVarUint(e, 0);
        encoding.writeUint8(e, 0);
        encoding.writeVarUint(e, 3);
        encoding.writeVarUint(e, huge);
        encoding.writeVarUint(e, 2);
        encoding.writeVarUint(e, 0);
      }),
      'huge delete-set client count': handBuilt((e) => {
        encoding.writeVarUint(e, 0);
        encoding.writeVarUint(e, huge);
        encoding.writeVarUint(e, 1);
      }),
      'huge delete range count': handBuilt((e) => {
        encoding.writeVarUint(e, 0);
        encoding.writeVarUint(e, 1);
        encoding.writeVarUint(e, 1); // client
        encoding.writeVarUint(e, huge);
        encoding.writeVarUint(e, 0);
        encoding.writeVarUint(e, 1);
      }),
      'huge JSON value count': oneItem(2, 'm', 'k', (e) => {
        encoding.writeVarUint(e, huge);
        encoding.writeVarString(e, '1');
      }),
      'huge Any value count': oneItem(8, 'm', 'k', (e) => {
        encoding.writeVarUint(e, huge);
        encoding.writeUint8(e, 120); // true
      }),
      'huge string length': oneItem(4, 'code', null, (e) => {
        encoding.writeVarUint(e, huge);
        encoding.writeUint8(e, 97);
      }),
      'huge binary length': oneItem(3, 'm', 'k', (e) => {
        encoding.writeVarUint(e, huge);
        encoding.writeUint8(e, 1);
      }),
      'huge Any array length': oneItem(8, 'm', 'k', (e) => {
        encoding.writeVarUint(e, 1);
        encoding.writeUint8(e, 117); // array
        encoding.writeVarUint(e, huge);
        encoding.writeUint8(e, 120);
      }),
      'huge Any object size': oneItem(8, 'm', 'k', (e) => {
        encoding.writeVarUint(e, 1);
        encoding.writeUint8(e, 118); // object
        encoding.writeVarUint(e, huge);
        encoding.writeVarString(e, 'k');
        encoding.writeUint8(e, 120);
      }),
    };

    for (const [name, bytes] of Object.entries(hugeCases)) {
      it(`${name}: ${bytes.length} bytes rejected with InvalidUpdateError in well under 10 ms`, () => {
        expect(bytes.length).toBeLessThan(32);
        expect(() => assertValidUpdate(bytes)).toThrow(InvalidUpdateError);
        expect(bestTimeMs(() => guard(bytes))).toBeLessThan(10);
      });
    }

    it('deeply nested Any values are rejected as InvalidUpdateError, not a stack overflow escaping', () => {
      const depth = 200_000;
      const bytes = oneItem(8, 'm', 'k', (e) => {
        encoding.writeVarUint(e, 1);
        for (let i = 0; i < depth; i++) {
          encoding.writeUint8(e, 117); // array of length 1 ...
          encoding.writeVarUint(e, 1);
        }
        encoding.writeUint8(e, 120);
      });
      expect(() => assertValidUpdate(bytes)).toThrow(InvalidUpdateError);
    });

    it('unknown content kinds and type refs are rejected', () => {
      for (const kind of [11, 20, 31]) {
        expect(() => assertValidUpdate(oneItem(kind, 'm', 'k', () => {})), `kind ${kind}`).toThrow(InvalidUpdateError);
      }
      const badTypeRef = oneItem(7, 'm', 'k', (e) => encoding.writeVarUint(e, 7));
      expect(() => assertValidUpdate(badTypeRef)).toThrow(InvalidUpdateError);
    });
  });
});
