import { existsSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SandboxFile, SandboxJob, SandboxStep, StepLimits } from './code-sandbox.js';

/** The limits of a server run, from the configuration. */
export interface ServerRunLimits {
  /** The program's wall-clock limit. */
  runMs: number;
  /** The compiler's wall-clock limit (its own, so a slow compile does not eat the program's time). */
  compileMs: number;
  memoryBytes: number;
  pids: number;
  maxOutputBytes: number;
}

/** How one language is compiled and run on the server. */
interface ServerLanguage {
  files(code: string): SandboxFile[];
  /** Compile steps (maybe none), then the program; `limits` already split into compile and run. */
  steps(code: string, compile: StepLimits, run: StepLimits): SandboxStep[];
}

const MiB = 1024 * 1024;
/** JVM flags that start fast and keep its memory and threads within the sandbox's limits. */
const JVM_FLAGS = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xss8m', '-XX:CICompilerCount=1'];

/** `public class Foo` names the file javac wants; Main when the code has none. */
function javaClassName(code: string): string {
  return /\bpublic\s+(?:final\s+|abstract\s+)*class\s+([A-Za-z_$][\w$]*)/.exec(code)?.[1] ?? 'Main';
}

/** The JDK reads its configuration from /etc (its conf directory links there), so the sandbox must see it. */
function javaConfigDir(javaHome: string): string[] {
  const security = `${javaHome}/conf/security/java.security`;
  return existsSync(security) ? [dirname(dirname(realpathSync(security)))] : [];
}

function heapFor(limits: StepLimits): string {
  // Half the group's memory: the JVM needs the rest for metaspace, code and threads.
  return `${Math.max(32, Math.floor(limits.memoryBytes / MiB / 2))}m`;
}

function javaLanguage(): ServerLanguage {
  // /usr/bin/javac leads (through /etc/alternatives, which the sandbox does not see) to the JDK's own.
  const javac = realpathSync('/usr/bin/javac');
  const javaHome = dirname(dirname(javac));
  const java = `${javaHome}/bin/java`;
  const readOnlyPaths = javaConfigDir(javaHome);
  return {
    files: (code) => [{ name: `${javaClassName(code)}.java`, content: code }],
    steps: (code, compile, run) => [
      {
        name: 'compile',
        argv: [
          javac,
          ...JVM_FLAGS.map((flag) => `-J${flag}`),
          `-J-Xmx${heapFor(compile)}`,
          '-encoding',
          'UTF-8',
          `${javaClassName(code)}.java`,
        ],
        readOnlyPaths,
        stdin: false,
        limits: compile,
      },
      {
        name: 'run',
        argv: [java, ...JVM_FLAGS, `-Xmx${heapFor(run)}`, '-cp', '.', javaClassName(code)],
        readOnlyPaths,
        stdin: true,
        limits: run,
      },
    ],
  };
}

function cppLanguage(): ServerLanguage {
  const gpp = realpathSync('/usr/bin/g++');
  return {
    files: (code) => [{ name: 'main.cpp', content: code }],
    steps: (_code, compile, run) => [
      { name: 'compile', argv: [gpp, '-std=c++17', '-O1', '-pipe', '-o', 'main', 'main.cpp'], stdin: false, limits: compile },
      { name: 'run', argv: ['./main'], stdin: true, limits: run },
    ],
  };
}

function pythonLanguage(): ServerLanguage {
  // Debian's interpreter, never a per-user shim (pyenv) the sandbox could not see.
  const python = realpathSync('/usr/bin/python3');
  return {
    files: (code) => [{ name: 'main.py', content: code }],
    steps: (_code, _compile, run) => [{ name: 'run', argv: [python, '-u', 'main.py'], stdin: true, limits: run }],
  };
}

/** Languages this server can run, by room language id; only those whose tools are installed. */
export class ServerLanguages {
  private readonly table = new Map<string, ServerLanguage>();

  constructor(private readonly limits: ServerRunLimits) {
    const candidates: [string, () => ServerLanguage, string][] = [
      ['java', javaLanguage, '/usr/bin/javac'],
      ['cpp', cppLanguage, '/usr/bin/g++'],
      ['python', pythonLanguage, '/usr/bin/python3'],
    ];
    for (const [id, make, tool] of candidates) if (existsSync(tool)) this.table.set(id, make());
  }

  get ids(): string[] {
    return [...this.table.keys()];
  }

  /** The sandbox job that compiles and runs `code`; null for a language the server does not run. */
  job(language: string, code: string): SandboxJob | null {
    const entry = this.table.get(language);
    if (!entry) return null;
    const { runMs, compileMs, memoryBytes, pids, maxOutputBytes } = this.limits;
    const common = { memoryBytes, pids, cpus: 1, fileBytes: 16 * MiB, openFiles: 256 };
    const compile: StepLimits = { ...common, wallMs: compileMs, cpuSeconds: Math.ceil(compileMs / 1000) };
    const run: StepLimits = { ...common, wallMs: runMs, cpuSeconds: Math.ceil(runMs / 1000) };
    return { files: entry.files(code), steps: entry.steps(code, compile, run), maxOutputBytes };
  }
}
