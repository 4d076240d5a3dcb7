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
  it('sends what one iteration writes to a stream in one write call, at the end of the iteration', async () => {
    const cork = new TurnCork();
    const { stream, writes } = recordingStream();
    for (const frame of ['update', 'cursor', 'update']) {
      cork.hold(stream);
      stream.write(frame);
    }
    expect(writes).toEqual([]);
    await nextIteration();
    expect(writes).toEqual([['update', 'cursor', 'update']]);
  });

  it('holds each stream separately and starts over the next iteration', async () => {
    const cork = new TurnCork();
    const a = recordingStream();
    const b = recordingStream();
    cork.hold(a.stream);
    a.stream.write('a1');
    cork.hold(b.stream);
    b.stream.write('b1');
    a.stream.write('a2');
    await nextIteration();
    expect([a.writes, b.writes]).toEqual([[['a1', 'a2']], [['b1']]]);
    cork.hold(a.stream);
    a.stream.write('a3');
    await nextIteration();
    expect(a.writes).toEqual([['a1', 'a2'], ['a3']]);
  });

  it('lets a stream that ends or is destroyed while held go', async () => {
    const cork = new TurnCork();
    const ended = recordingStream();
    const destroyed = recordingStream();
    cork.hold(ended.stream);
    ended.stream.write('last');
    ended.stream.end();
    cork.hold(destroyed.stream);
    destroyed.stream.write('lost');
    destroyed.stream.destroy();
    await nextIteration();
    expect(ended.writes).toEqual([['last']]);
    expect(destroyed.stream.destroyed).toBe(true);
  });
});
