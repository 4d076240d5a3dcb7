import { describe, expect, it } from 'vitest';
import { ServerLanguages } from './languages.js';

const MiB = 1024 * 1024;
const languages = new ServerLanguages({ runMs: 4_000, compileMs: 9_000, memoryBytes: 256 * MiB, pids: 32, maxOutputBytes: 1024 });

describe('ServerLanguages', () => {
  it('names the Java file after its public class (Main without one), compiles it with its own limit, then runs it', () => {
    const job = languages.job('java', 'import java.util.*;\npublic final class Greeter { }\n');
    expect(job?.files).toEqual([{ name: 'Greeter.java', content: 'import java.util.*;\npublic final class Greeter { }\n' }]);
    expect(job?.steps.map((step) => [step.name, step.stdin, step.limits.wallMs, step.limits.cpuSeconds])).toEqual([
      ['compile', false, 9_000, 9],
      ['run', true, 4_000, 4],
    ]);
    expect(job?.steps[1]?.argv.slice(-1)).toEqual(['Greeter']);
    // Half the group's memory for the heap: the JVM needs the rest.
    expect(job?.steps[1]?.argv).toContain('-Xmx128m');
    expect(languages.job('java', 'class Hidden {}')?.files[0]?.name).toBe('Main.java');
  });

  it('compiles C++ with g++ and runs the binary; runs Python with Debian python3, no compile step', () => {
    expect(languages.job('cpp', 'int main() {}')?.steps.map((step) => step.name)).toEqual(['compile', 'run']);
    const python = languages.job('python', 'print(1)');
    expect(python?.steps).toHaveLength(1);
    expect(python?.steps[0]?.argv[0]).toMatch(/^\/usr\/bin\/python3/);
    expect(python?.maxOutputBytes).toBe(1024);
  });

  it('runs nothing else', () => {
    expect(languages.job('rust', 'fn main() {}')).toBeNull();
    expect(languages.ids).toEqual(['java', 'cpp', 'python']);
  });
});
