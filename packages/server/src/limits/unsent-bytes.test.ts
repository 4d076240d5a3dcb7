import { describe, expect, it } from 'vitest';
import { UnsentBytesBudget, type BufferedSink } from './unsent-bytes.js';

/** A connection whose unsent bytes the test sets, recording whether it was shed and how often it was read. */
class FakeConnection implements BufferedSink {
  shedCount = 0;
  reads = 0;
  private bytes = 0;
  constructor(readonly name: string) {}
  get bufferedAmount(): number {
    this.reads++;
    return this.bytes;
  }
  set unsent(bytes: number) {
    this.bytes = bytes;
  }
  shed(): void {
    this.shedCount++;
  }
}

function connections(budget: UnsentBytesBudget, names: string[]): FakeConnection[] {
  return names.map((name) => {
    const c = new FakeConnection(name);
    budget.add(c);
    return c;
  });
}

describe('UnsentBytesBudget', () => {
  it('sheds nothing while the total stays under the cap', () => {
    const budget = new UnsentBytesBudget(1_000);
    const [a, b] = connections(budget, ['a', 'b']);
    a!.unsent = 400;
    budget.noteSent(a!);
    b!.unsent = 600;
    budget.noteSent(b!);
    expect(budget.unsentBytes).toBe(1_000);
    expect(a!.shedCount + b!.shedCount).toBe(0);
  });

  it('past the cap, sheds the connections holding the most until the total is under it, each once', () => {
    const budget = new UnsentBytesBudget(1_000);
    const [small, big, bigger, tiny] = connections(budget, ['small', 'big', 'bigger', 'tiny']);
    for (const [c, bytes] of [
      [small!, 100],
      [big!, 400],
      [bigger!, 450],
      [tiny!, 10],
    ] as const) {
      c.unsent = bytes;
      budget.noteSent(c);
    }
    expect(budget.unsentBytes).toBe(960);
    small!.unsent = 300; // 1,160 in all
    budget.noteSent(small!);
    expect([small, big, bigger, tiny].map((c) => c!.shedCount)).toEqual([0, 0, 1, 0]);
    expect(budget.unsentBytes).toBe(710);
    // A shed connection no longer counts and is not shed again.
    bigger!.unsent = 5_000;
    budget.noteSent(bigger!);
    expect(bigger!.shedCount).toBe(1);
  });

  it('recounts exactly before shedding: bytes drained since the last send do not count', () => {
    const budget = new UnsentBytesBudget(1_000);
    const [a, b] = connections(budget, ['a', 'b']);
    a!.unsent = 900;
    budget.noteSent(a!);
    a!.unsent = 0; // drained, but nothing was sent to it since
    b!.unsent = 900;
    budget.noteSent(b!);
    expect(a!.shedCount + b!.shedCount).toBe(0);
    expect(budget.unsentBytes).toBe(900);
  });

  it('reads only the connection sent to while under the cap (no pass over every socket per message)', () => {
    const budget = new UnsentBytesBudget(1_000_000);
    const all = connections(
      budget,
      Array.from({ length: 100 }, (_, i) => `c${i}`),
    );
    for (const c of all) c.reads = 0;
    for (let i = 0; i < 1_000; i++) budget.noteSent(all[0]!);
    expect(all[0]!.reads).toBe(1_000);
    expect(all.slice(1).every((c) => c.reads === 0)).toBe(true);
  });

  it('a removed connection stops counting', () => {
    const budget = new UnsentBytesBudget(1_000);
    const [a, b] = connections(budget, ['a', 'b']);
    a!.unsent = 900;
    budget.noteSent(a!);
    budget.remove(a!);
    budget.remove(a!);
    b!.unsent = 900;
    budget.noteSent(b!);
    budget.noteSent(a!);
    expect(budget.unsentBytes).toBe(900);
    expect(a!.shedCount + b!.shedCount).toBe(0);
  });
});
