/**
 * What a JavaScript/TypeScript program's worker says to the page, and what the page answers.
 * The program runs as the worker's own script (see programScript.ts), so these are the only
 * messages between them.
 */
export type ProgramMessage =
  | { kind: 'output'; stream: 'stdout' | 'stderr'; text: string }
  /** The program called `input(prompt)` and waits for a `stdin` answer. */
  | { kind: 'input'; prompt: string }
  /** The program's body finished with no timers left (0), or an error went uncaught (1). */
  | { kind: 'exit'; exitCode: 0 | 1 };

export type PageMessage = { kind: 'stdin'; line: string | null };

/**
 * Runs inside the program's worker, before the program: serialized with `Function.prototype.toString`,
 * so it must not refer to anything outside itself (no imports, no module constants) nor use syntax a
 * bundler might lower into helpers (`?.`, `??`). It sets up
 * `console`, `input()`, exit detection (the body done and no timers pending, like Node), reports
 * uncaught errors, and removes the network and storage APIs. Removing them is a courtesy, not a
 * security boundary: the program runs on the clicker's own machine with their own permissions, and
 * a determined program can find other ways out; it only keeps the room's programs from phoning home
 * by accident.
 */
export function installProgramEnvironment(scope: typeof globalThis, main: () => Promise<unknown>): void {
  // Captured first: the program's own `postMessage` is removed below.
  const hostPost = (scope.postMessage as (message: ProgramMessage) => void).bind(scope);
  const post = (message: ProgramMessage) => hostPost(message);
  const hostSetTimeout = scope.setTimeout.bind(scope);
  const hostSetInterval = scope.setInterval.bind(scope);
  const hostClearTimeout = scope.clearTimeout.bind(scope);
  const hostClearInterval = scope.clearInterval.bind(scope);
  /** Timer ids (numbers in a worker; typed loosely as Node's types are in scope too). */
  const pendingTimers = new Set<unknown>();
  let bodyDone = false;
  let exited = false;
  let waitingForInput: ((line: string | null) => void) | null = null;

  const exit = (exitCode: 0 | 1) => {
    if (exited) return;
    exited = true;
    post({ kind: 'exit', exitCode });
  };
  // On a later task, so promise callbacks the body left behind run (and print) first.
  const exitWhenIdle = () =>
    hostSetTimeout(() => {
      if (bodyDone && pendingTimers.size === 0 && waitingForInput === null) exit(0);
    }, 0);

  const describe = (value: unknown, depth: number): string => {
    if (typeof value === 'string') return depth === 0 ? value : JSON.stringify(value);
    if (value instanceof Error) return `${value.name}: ${value.message}`;
    if (typeof value === 'function') return `[Function ${value.name || '(anonymous)'}]`;
    if (typeof value === 'bigint') return `${value}n`;
    if (value === null || typeof value !== 'object') return String(value);
    if (depth > 2) return Array.isArray(value) ? '[Array]' : '[Object]';
    try {
      if (Array.isArray(value)) return `[ ${value.map((item) => describe(item, depth + 1)).join(', ')} ]`;
      if (value instanceof Map)
        return `Map(${value.size}) { ${[...value].map(([k, v]) => `${describe(k, depth + 1)} => ${describe(v, depth + 1)}`).join(', ')} }`;
      if (value instanceof Set) return `Set(${value.size}) { ${[...value].map((v) => describe(v, depth + 1)).join(', ')} }`;
      const entries = Object.entries(value).map(([k, v]) => `${k}: ${describe(v, depth + 1)}`);
      return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
    } catch {
      return Object.prototype.toString.call(value);
    }
  };
  const print =
    (stream: 'stdout' | 'stderr') =>
    (...args: unknown[]) =>
      post({ kind: 'output', stream, text: `${args.map((arg) => describe(arg, 0)).join(' ')}\n` });
  const reportUncaught = (error: unknown) => {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : describe(error, 1);
    post({ kind: 'output', stream: 'stderr', text: `Uncaught ${text}\n` });
    exit(1);
  };

  const programConsole = {
    log: print('stdout'),
    info: print('stdout'),
    debug: print('stdout'),
    table: print('stdout'),
    dir: print('stdout'),
    error: print('stderr'),
    warn: print('stderr'),
    trace: print('stderr'),
  };
  const input = (prompt: unknown = '') =>
    new Promise<string | null>((resolve) => {
      waitingForInput = resolve;
      post({ kind: 'input', prompt: String(prompt) });
    });
  const track = <Id>(id: Id): Id => {
    pendingTimers.add(id);
    return id;
  };
  const settle = (id: unknown) => {
    pendingTimers.delete(id);
    exitWhenIdle();
  };

  scope.addEventListener('message', (event: MessageEvent<PageMessage>) => {
    // biome-ignore lint/complexity/useOptionalChain: serialized with toString; `?.` could be lowered into a helper it cannot reach.
    if (!event.data || event.data.kind !== 'stdin' || waitingForInput === null) return;
    const resolve = waitingForInput;
    waitingForInput = null;
    resolve(event.data.line);
    exitWhenIdle();
  });
  scope.addEventListener('error', (event: ErrorEvent) => {
    event.preventDefault();
    reportUncaught(event.error === undefined || event.error === null ? event.message : event.error);
  });
  scope.addEventListener('unhandledrejection', (event: PromiseRejectionEvent) => {
    event.preventDefault();
    reportUncaught(event.reason);
  });

  const globals: Record<string, unknown> = {
    console: programConsole,
    input,
    setTimeout: (callback: () => void, ms?: number, ...args: unknown[]) => {
      const id = track(
        hostSetTimeout(() => {
          try {
            callback(...(args as []));
          } finally {
            settle(id);
          }
        }, ms),
      );
      return id;
    },
    setInterval: (callback: () => void, ms?: number, ...args: unknown[]) => track(hostSetInterval(() => callback(...(args as [])), ms)),
    clearTimeout: (id: Parameters<typeof hostClearTimeout>[0]) => {
      hostClearTimeout(id);
      settle(id);
    },
    clearInterval: (id: Parameters<typeof hostClearInterval>[0]) => {
      hostClearInterval(id);
      settle(id);
    },
  };
  for (const name of [
    'fetch',
    'XMLHttpRequest',
    'WebSocket',
    'WebTransport',
    'EventSource',
    'importScripts',
    'Worker',
    'SharedWorker',
    'indexedDB',
    'caches',
    'BroadcastChannel',
    'postMessage',
  ]) {
    globals[name] = undefined;
  }
  for (const [name, value] of Object.entries(globals)) {
    try {
      Object.defineProperty(scope, name, { value, writable: false, configurable: false });
    } catch {
      // A property the browser does not let us replace: the courtesy is partial there.
    }
  }

  main().then(
    () => {
      bodyDone = true;
      exitWhenIdle();
    },
    (error: unknown) => reportUncaught(error),
  );
}
