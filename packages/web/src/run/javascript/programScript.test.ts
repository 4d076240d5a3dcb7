import { createContext, runInContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { PageMessage, ProgramMessage } from './programEnvironment';
import { programScript, type ScriptLanguage } from './programScript';

/**
 * Runs a program's worker script in a fresh V8 context standing in for the worker's global scope
 * (Chromium runs the real worker in test/runs.test.ts): what it posts, and a way to answer input.
 */
function runScript(code: string, language: ScriptLanguage = 'javascript') {
  const program = programScript(code, language);
  if (!program.ok) throw new Error(program.error);
  const posted: ProgramMessage[] = [];
  const listeners = new Map<string, ((event: unknown) => void)[]>();
  const context = createContext({ setTimeout, setInterval, clearTimeout, clearInterval });
  const scope = runInContext('globalThis', context) as Record<string, unknown>;
  Object.assign(scope, {
    self: scope,
    fetch: () => 'network',
    postMessage: (message: ProgramMessage) => posted.push(message),
    addEventListener: (type: string, listener: (event: unknown) => void) => listeners.set(type, [...(listeners.get(type) ?? []), listener]),
  });
  runInContext(program.script, context);
  const exited = async () => {
    await expect.poll(() => posted.some((message) => message.kind === 'exit')).toBe(true);
    return posted;
  };
  const send = (data: PageMessage) => {
    for (const listener of listeners.get('message') ?? []) listener({ data });
  };
  return { posted, exited, send };
}

const outputs = (posted: ProgramMessage[]) => posted.filter((m) => m.kind === 'output').map((m) => [m.stream, m.text]);

describe('a program as its worker script', () => {
  it('strips TypeScript types and prints console.log to stdout, console.error and console.warn to stderr', async () => {
    const { exited } = runScript(
      'interface P { n: number }\nconst p: P = { n: 2 };\nconsole.log("n is", p.n, [1, "a"], { k: true });\nconsole.error("bad");\nconsole.warn("careful")',
      'typescript',
    );
    const posted = await exited();
    expect(outputs(posted)).toEqual([
      ['stdout', 'n is 2 [ 1, "a" ] { k: true }\n'],
      ['stderr', 'bad\n'],
      ['stderr', 'careful\n'],
    ]);
    expect(posted.at(-1)).toEqual({ kind: 'exit', exitCode: 0 });
  });

  it('reports a syntax error before anything runs', () => {
    expect(programScript('let x: = 3', 'typescript')).toEqual({
      ok: false,
      error: expect.stringMatching(/^SyntaxError: Unexpected token \(1:8\)/),
    });
    expect(programScript('const x: number = 3', 'javascript').ok).toBe(false);
  });

  it('an uncaught error goes to stderr and exits with 1; output before it stays', async () => {
    const posted = await runScript('console.log("before");\nnull.x;\nconsole.log("after")').exited();
    expect(outputs(posted)).toEqual([
      ['stdout', 'before\n'],
      ['stderr', expect.stringMatching(/^Uncaught TypeError: Cannot read properties of null/)],
    ]);
    expect(posted.at(-1)).toEqual({ kind: 'exit', exitCode: 1 });
  });

  it('an async error after an await exits with 1 too', async () => {
    const posted = await runScript('await new Promise((r) => setTimeout(r, 5));\nthrow new RangeError("late")').exited();
    expect(outputs(posted)).toEqual([['stderr', 'Uncaught RangeError: late\n']]);
    expect(posted.at(-1)).toEqual({ kind: 'exit', exitCode: 1 });
  });

  it('waits for pending timers before it exits, like Node', async () => {
    const posted = await runScript('setTimeout(() => console.log("later"), 30);\nconsole.log("first")').exited();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(posted).toEqual([
      { kind: 'output', stream: 'stdout', text: 'first\n' },
      { kind: 'output', stream: 'stdout', text: 'later\n' },
      { kind: 'exit', exitCode: 0 },
    ]);
  });

  it('input() asks the page and resumes with the line it answers', async () => {
    const program = runScript('const name = await input("Name? ");\nconsole.log("Hi " + name)');
    await expect.poll(() => program.posted).toEqual([{ kind: 'input', prompt: 'Name? ' }]);
    program.send({ kind: 'stdin', line: 'Ada' });
    const posted = await program.exited();
    expect(outputs(posted)).toEqual([['stdout', 'Hi Ada\n']]);
  });

  it('removes the network from the program (a courtesy, not a boundary)', async () => {
    const posted = await runScript('console.log(typeof fetch, typeof postMessage)').exited();
    expect(outputs(posted)).toEqual([['stdout', 'undefined undefined\n']]);
  });
});
