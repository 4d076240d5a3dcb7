import { describe, expect, it } from 'vitest';
import { SampleBuffer } from './stats.js';
import { recordArrivals, type Typist } from './typing.js';

/** A sender as the receiving side sees it: its Yjs client id and when it sent each clock. */
function typist(editorId: number, sentAt: number[]): Pick<Typist, 'editorId' | 'sentAt'> {
  return { editorId, sentAt: Float64Array.from(sentAt) };
}

describe('recordArrivals', () => {
  it('times every keystroke of a known sender in the arrived clock range, once each', () => {
    // A fixed clock: with performance.now() a loaded CI machine measured [21, 11].
    const now = 1000;
    const latencies = new SampleBuffer();
    const record = recordArrivals([typist(7, [now - 30, now - 20, now - 10, Number.NaN])], latencies, () => now);
    record(new Map([[7, 1]]), new Map([[7, 3]]));
    expect(Array.from(latencies.values())).toEqual([20, 10]);
  });

  it('ignores other clients and keystrokes not sent yet', () => {
    const now = 1000;
    const latencies = new SampleBuffer();
    const record = recordArrivals([typist(7, [now - 5, Number.NaN])], latencies, () => now);
    record(new Map(), new Map([[9, 4]]));
    record(new Map(), new Map([[7, 2]]));
    expect(latencies.length).toBe(1);
  });
});
