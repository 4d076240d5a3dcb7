import { describe, expect, it } from 'vitest';
import { OutputBatcher } from './output-batcher';

function batcher(options: { maxSends?: number; windowMs?: number; maxChars?: number } = {}) {
  const sent: string[] = [];
  const clock = { now: 0 };
  const output = new OutputBatcher((text) => sent.push(text), { ...options, now: () => clock.now });
  const write = (value: string | Uint8Array) => output.write(typeof value === 'string' ? new TextEncoder().encode(value) : value);
  return { output, sent, clock, write };
}

describe('OutputBatcher', () => {
  it('sends each write at once until a tight loop of writes, then collects them', () => {
    const { output, sent, clock, write } = batcher({ maxSends: 2, windowMs: 50 });
    write('a\n');
    write('b\n');
    write('c\n');
    write('d\n');
    expect(sent).toEqual(['a\n', 'b\n']);
    output.flush();
    output.flush();
    expect(sent).toEqual(['a\n', 'b\n', 'c\nd\n']);
    write('e\n');
    clock.now = 49;
    write('f\n');
    expect(sent).toHaveLength(3);
    clock.now = 50;
    write('g\n');
    expect(sent).toEqual(['a\n', 'b\n', 'c\nd\n', 'e\nf\ng\n']);
  });

  it('sends collected output once it is big enough', () => {
    const { sent, write } = batcher({ maxSends: 0, maxChars: 5 });
    write('abc');
    expect(sent).toEqual([]);
    write('def');
    expect(sent).toEqual(['abcdef']);
  });

  it('decodes a character split across writes, and returns the bytes taken', () => {
    const { output, sent, write } = batcher({ maxSends: 0 });
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
