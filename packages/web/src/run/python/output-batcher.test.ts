import { describe, expect, it } from 'vitest';
import { OutputBatcher } from './output-batcher';

function batcher(options: { maxChars?: number; maxAgeMs?: number } = {}) {
  const sent: string[] = [];
  const clock = { now: 0 };
  const output = new OutputBatcher((text) => sent.push(text), { ...options, now: () => clock.now });
  const write = (value: string | Uint8Array) => output.write(typeof value === 'string' ? new TextEncoder().encode(value) : value);
  return { output, sent, clock, write };
}

describe('OutputBatcher', () => {
  it('holds small writes until flushed, then sends them as one', () => {
    const { output, sent, write } = batcher();
    write('a\n');
    write('b\n');
    expect(sent).toEqual([]);
    output.flush();
    output.flush();
    expect(sent).toEqual(['a\nb\n']);
  });

  it('sends on the write that makes the batch big enough or old enough', () => {
    const { sent, clock, write } = batcher({ maxChars: 5, maxAgeMs: 50 });
    write('abc');
    write('def');
    expect(sent).toEqual(['abcdef']);
    write('g');
    clock.now = 49;
    write('h');
    expect(sent).toEqual(['abcdef']);
    clock.now = 50;
    write('i');
    expect(sent).toEqual(['abcdef', 'ghi']);
  });

  it('decodes a character split across writes, and returns the bytes taken', () => {
    const { output, sent, write } = batcher();
    const encoded = new TextEncoder().encode('é€');
    expect(write(encoded.subarray(0, 1))).toBe(1);
    write(encoded.subarray(1, 4));
    write(encoded.subarray(4));
    output.flush();
    expect(sent).toEqual(['é€']);
  });

  it('knows the unfinished last line (the prompt of input()), which a run’s reset forgets', () => {
    const { output, write } = batcher();
    write('first\nName');
    write('? ');
    expect(output.lastLine).toBe('Name? ');
    write('Ada\n');
    expect(output.lastLine).toBe('');
    write('Age? ');
    output.endLine();
    expect(output.lastLine).toBe('');
    write('x'.repeat(300));
    expect(output.lastLine).toHaveLength(200);
    output.reset();
    expect(output.lastLine).toBe('');
  });
});
