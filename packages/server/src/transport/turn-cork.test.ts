import { Writable } from 'node:stream';
import { setImmediate as nextIteration } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { TurnCork } from './turn-cork.js';

/** A stream that records how its chunks reach the underlying resource: one entry per write call. */
function recordingStream(): { stream: Writable; writes: string[][] } {
  const writes: string[][] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push([chunk.toString()]);
      done();
    },
    writev(chunks, done) {
      writes.push(chunks.map(({ chunk }) => (chunk as Buffer).toString()));
      done();
    },
  });
  return { stream, writes };
}

describe('TurnCork', () => {
  it("sends a task's frames to a stream together when the task ends, and the rest of the iteration's at its end", async () => {
    const cork = new TurnCork();
    const { stream, writes } = recordingStream();
    for (const frame of ['update', 'cursor']) {
      cork.hold(stream);
      stream.write(frame);
    }
    // A keystroke's update and cursor move, relayed from one incoming chunk: one write, one wake-up.
    expect(writes).toEqual([]);
    await Promise.resolve();
    expect(writes).toEqual([['update', 'cursor']]);
    // Later in the same iteration (another socket's data): held to the iteration's end.
    for (const frame of ['late update', 'late cursor']) {
      cork.hold(stream);
      stream.write(frame);
    }
    await Promise.resolve();
    expect(writes).toEqual([['update', 'cursor']]);
    await nextIteration();
    expect(writes).toEqual([
      ['update', 'cursor'],
      ['late update', 'late cursor'],
    ]);
  });

  it("release() sends everything held at once, and the task's end then leaves the stream's corking alone", async () => {
    const cork = new TurnCork();
    const { stream, writes } = recordingStream();
    cork.hold(stream);
    stream.write('a');
    cork.release();
    expect(writes).toEqual([['a']]);
    // Someone else's cork (ws corks around each frame): the end of the task must not undo it.
    stream.cork();
    await Promise.resolve();
    expect(stream.writableCorked).toBe(1);
    stream.uncork();
  });

  it('holds each stream separately and starts over the next iteration', async () => {
    const cork = new TurnCork();
    const a = recordingStream();
    const b = recordingStream();
    cork.hold(a.stream);
    a.stream.write('a1');
    cork.hold(b.stream);
    b.stream.write('b1');
    await Promise.resolve();
    cork.hold(a.stream);
    a.stream.write('a2');
    cork.hold(a.stream);
    a.stream.write('a3');
    await nextIteration();
    expect([a.writes, b.writes]).toEqual([[['a1'], ['a2', 'a3']], [['b1']]]);
    cork.hold(a.stream);
    a.stream.write('a4');
    await Promise.resolve();
    expect(a.writes).toEqual([['a1'], ['a2', 'a3'], ['a4']]);
  });

  it('lets a stream that ends or is destroyed while held go', async () => {
    const cork = new TurnCork();
    const ended = recordingStream();
    const destroyed = recordingStream();
    for (const frame of ['first', 'last']) {
      cork.hold(ended.stream);
      ended.stream.write(frame);
      cork.hold(destroyed.stream);
      destroyed.stream.write(frame);
      await Promise.resolve();
    }
    ended.stream.end();
    destroyed.stream.destroy();
    await nextIteration();
    expect(ended.writes).toEqual([['first'], ['last']]);
    expect(destroyed.writes).toEqual([['first']]);
    expect(destroyed.stream.destroyed).toBe(true);
  });
});
