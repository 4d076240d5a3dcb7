/**
 * Collects cleanups as resources are made and runs them in reverse order, whatever happened in
 * between, so a failed scenario still closes every client, timer and server process it opened.
 */
export class Scope {
  private readonly cleanups: Array<() => void | Promise<void>> = [];

  defer(cleanup: () => void | Promise<void>): void {
    this.cleanups.push(cleanup);
  }

  /** A timer that is cleared when the scope closes, even if the scenario fails first. */
  interval(fn: () => void, ms: number): NodeJS.Timeout {
    const timer = setInterval(fn, ms);
    this.defer(() => clearInterval(timer));
    return timer;
  }

  timeout(fn: () => void, ms: number): NodeJS.Timeout {
    const timer = setTimeout(fn, ms);
    this.defer(() => clearTimeout(timer));
    return timer;
  }

  async close(): Promise<void> {
    for (let cleanup = this.cleanups.pop(); cleanup; cleanup = this.cleanups.pop()) {
      try {
        await cleanup();
      } catch (err) {
        process.stderr.write(`cleanup failed: ${(err as Error).message}\n`);
      }
    }
  }
}

/** Run `fn` with a fresh scope that is always closed afterwards. */
export async function withScope<T>(fn: (scope: Scope) => Promise<T>): Promise<T> {
  const scope = new Scope();
  try {
    return await fn(scope);
  } finally {
    await scope.close();
  }
}
