import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import {
  APPLY_BUDGET_MS,
  FUZZ_SEED,
  VALID_CASES,
  expectOnlyInvalidUpdateError,
  handBuilt,
  hex,
  prng,
  timedApply,
} from './update-guard.testkit.js';

/** Truncated, corrupted and random input: the guard only ever throws InvalidUpdateError, and what it passes applies in bounded time. */

describe('assertValidUpdate', () => {
  it('every truncation of a valid update either passes or throws InvalidUpdateError, quickly', () => {
    const updates = Object.values(VALID_CASES).flatMap((make) => make());
    let checked = 0;
    const start = performance.now();
    for (const update of updates) {
      for (let len = 0; len < update.length; len++) {
        expectOnlyInvalidUpdateError(update.subarray(0, len), `truncation to ${len} of ${update.length} bytes`);
        checked++;
      }
    }
    const elapsed = performance.now() - start;
    expect(checked).toBeGreaterThan(1000);
    // ~µs each; the bound only catches a guard that became super-linear or allocates per declared count.
    expect(elapsed / checked).toBeLessThan(2);
  });

  it('single-byte corruptions of valid updates only ever throw InvalidUpdateError, and what passes applies in bounded time', () => {
    // A sample from each case (the last few updates, including full states) keeps the run to a few seconds.
    const updates = Object.values(VALID_CASES)
      .flatMap((make) => make().slice(-12))
      .filter((u) => u.length < 200);
    for (const update of updates) {
      for (let pos = 0; pos < update.length; pos++) {
        for (const value of [0x00, 0xff, update[pos]! ^ 0x01]) {
          const corrupt = update.slice();
          corrupt[pos] = value;
          if (expectOnlyInvalidUpdateError(corrupt, `byte ${pos} set to ${value}`) === 'ok') {
            expect(timedApply(corrupt), `apply of ${hex(corrupt)}`).toBeLessThan(APPLY_BUDGET_MS);
          }
        }
      }
    }
  });

  describe(`seeded random input (seed ${FUZZ_SEED}; rerun with FUZZ_SEED=<n>)`, () => {
    it('random byte strings never throw anything but InvalidUpdateError; what passes applies in bounded time', () => {
      const random = prng(FUZZ_SEED);
      const start = performance.now();
      for (let n = 0; n < 20_000; n++) {
        const bytes = new Uint8Array(1 + Math.floor(random() * 64));
        for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
        // Almost none pass (the first byte must declare zero or few clients); those that do must apply cheaply.
        if (expectOnlyInvalidUpdateError(bytes, `seed ${FUZZ_SEED}, input #${n}`) === 'ok') {
          expect(timedApply(bytes), `seed ${FUZZ_SEED}, input #${n}: ${hex(bytes)}`).toBeLessThan(APPLY_BUDGET_MS);
        }
      }
      // Unguarded, ~1% of these would cost Yjs 200-1,000 ms each (40 s or more in all); guarded, under a second.
      expect(performance.now() - start).toBeLessThan(15_000);
    });

    it('random bodies behind a plausible header (reaching the struct and content readers) behave the same', () => {
      const random = prng(FUZZ_SEED ^ 0x9e37_79b9);
      const byte = (): number => Math.floor(random() * 256);
      let passed = 0;
      for (let n = 0; n < 20_000; n++) {
        const body = new Uint8Array(Math.floor(random() * 48));
        for (let i = 0; i < body.length; i++) body[i] = byte();
        const bytes = handBuilt((e) => {
          encoding.writeVarUint(e, 1 + Math.floor(random() * 2)); // clients
          // Struct count: usually small, sometimes absurd.
          encoding.writeVarUint(e, random() < 0.2 ? Math.floor(random() * 2 ** 31) : Math.floor(random() * 4));
          encoding.writeVarUint(e, byte()); // client
          encoding.writeVarUint(e, byte() % 4); // clock
          encoding.writeUint8Array(e, body);
        });
        if (expectOnlyInvalidUpdateError(bytes, `seed ${FUZZ_SEED}, header input #${n}`) === 'ok') {
          passed++;
          expect(timedApply(bytes), `seed ${FUZZ_SEED}, header input #${n}: ${hex(bytes)}`).toBeLessThan(APPLY_BUDGET_MS);
        }
      }
      expect(passed).toBeGreaterThan(0);
    });
  });
});
