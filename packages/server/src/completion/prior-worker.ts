/** Worker-thread entry of PriorStore: reads, gunzips and decodes a language's prior file. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { decodePriorTables, type PriorTables, priorFileName } from '@pairwise/complete';
import type { LanguageId } from '@pairwise/protocol';
import { serveCalls } from '../storage/worker-host.js';

const gunzipAsync = promisify(gunzip);

/** The decoded tables (their typed arrays move to the caller), or null when the language has no file. */
async function loadPriorTables(dir: string, language: LanguageId): Promise<PriorTables | null> {
  let compressed: Buffer;
  try {
    compressed = await readFile(join(dir, priorFileName(language)));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return decodePriorTables(language, await gunzipAsync(compressed));
}

await serveCalls(async () => ({ methods: { loadPriorTables }, close: () => undefined }));
