import { describe, expect, it } from 'vitest';
import { createStdinBuffer, StdinReader, StdinWriter } from './stdin-channel';

const text = (bytes: Uint8Array | null) => (bytes === null ? null : new TextDecoder().decode(bytes));
const bytes = (value: string) => new TextEncoder().encode(value);

describe('the stdin channel', () => {
  it('hands an answer written while the reader waits to the reader', () => {
    const buffer = createStdinBuffer();
    const reader = new StdinReader(buffer);
    const writer = new StdinWriter(buffer);
    expect(
      text(
        reader.read(
          () => writer.answer(bytes('Ada\n')),
          () => false,
        ),
      ),
    ).toBe('Ada\n');
    expect(
      reader.read(
        () => writer.answer(null),
        () => false,
      ),
    ).toBeNull();
  });

  it('hands an answer longer than the buffer over in pieces, one per read', () => {
    const buffer = createStdinBuffer(4);
    const reader = new StdinReader(buffer);
    const writer = new StdinWriter(buffer);
    const pieces = [
      text(
        reader.read(
          () => writer.answer(bytes('abcdefghij\n')),
          () => false,
        ),
      ),
    ];
    while (writer.hasRest)
      pieces.push(
        text(
          reader.read(
            () => writer.answerRest(),
            () => false,
          ),
        ),
      );
    expect(pieces).toEqual(['abcd', 'efgh', 'ij\n']);
  });

  it('gives up waiting when interrupted, and a reset drops what was not read', () => {
    const buffer = createStdinBuffer(4);
    const reader = new StdinReader(buffer);
    const writer = new StdinWriter(buffer);
    let checks = 0;
    const started = performance.now();
    expect(
      reader.read(
        () => undefined,
        () => ++checks > 2,
        10,
      ),
    ).toBeNull();
    expect(performance.now() - started).toBeLessThan(1000);

    reader.read(
      () => writer.answer(bytes('too long\n')),
      () => false,
    );
    expect(writer.hasRest).toBe(true);
    writer.reset();
    expect(writer.hasRest).toBe(false);
  });
});
