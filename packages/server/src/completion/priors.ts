import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { type LanguagePrior, decodePrior, priorFileName } from '@pairwise/complete';
import type { LanguageId } from '@pairwise/protocol';

const gunzipAsync = promisify(gunzip);

/** Where the learned priors of the installed @pairwise/complete are (`npm run train:complete` writes them). */
export function installedPriorsDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@pairwise/complete/priors/corpus.json'));
}

export interface PriorLoadFailure {
  readonly language: LanguageId;
  readonly err: unknown;
}

/**
 * The learned priors, each loaded the first time its language is asked for: reading and gunzipping
 * run off the event loop (libuv's pool); only decoding (tens of milliseconds, once per language per
 * process) runs on it. Concurrent first requests share one load. A language without a file has no
 * prior; a file that fails to load is reported once and the language is answered without one.
 */
export class PriorStore {
  private readonly loads = new Map<LanguageId, Promise<LanguagePrior | null>>();

  constructor(
    private readonly dir: string,
    private readonly onLoadFailure: (failure: PriorLoadFailure) => void,
  ) {}

  get(language: LanguageId): Promise<LanguagePrior | null> {
    let load = this.loads.get(language);
    if (load === undefined) {
      load = this.load(language);
      this.loads.set(language, load);
    }
    return load;
  }

  private async load(language: LanguageId): Promise<LanguagePrior | null> {
    let compressed: Buffer;
    try {
      compressed = await readFile(join(this.dir, priorFileName(language)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      this.onLoadFailure({ language, err });
      return null;
    }
    try {
      return decodePrior(language, await gunzipAsync(compressed));
    } catch (err) {
      this.onLoadFailure({ language, err });
      return null;
    }
  }
}
