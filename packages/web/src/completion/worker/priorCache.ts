import { decodePrior, priorFileName } from '@pairwise/complete';
import type { LanguagePrior } from '@pairwise/complete';
import type { LanguageId } from '@pairwise/protocol';

/**
 * The trained priors as asset URLs of the build (content-hashed, so cached for good); each is
 * fetched only when a room in its language opens.
 */
const PRIOR_URLS = import.meta.glob<string>('../../../../complete/priors/*.bin.gz', { query: '?url', import: 'default', eager: true });

export function priorUrl(language: LanguageId): string | null {
  const suffix = `/${priorFileName(language)}`;
  const key = Object.keys(PRIOR_URLS).find((path) => path.endsWith(suffix));
  return key === undefined ? null : (PRIOR_URLS[key] ?? null);
}

export interface FetchedPrior {
  /** Bytes that came over the network. */
  fetched: number;
  gunzipped: Uint8Array;
}

export interface PriorLoad {
  language: LanguageId;
  /** Bytes fetched (compressed), or 0 when it failed. */
  bytes: number;
  ms: number;
  ok: boolean;
}

/**
 * One load per language, shared by every request that needs it. A failed load (offline before the
 * room first opened) is forgotten so the next request tries again; until a prior is ready the engine
 * answers from the document alone.
 */
export class PriorCache {
  private readonly loads = new Map<LanguageId, Promise<PriorLoad>>();
  private readonly ready = new Map<LanguageId, LanguagePrior>();

  constructor(private readonly fetchBytes: (url: string) => Promise<FetchedPrior> = fetchGunzipped) {}

  /** The language's prior if it has loaded; starts loading it otherwise. */
  get(language: LanguageId): LanguagePrior | null {
    const prior = this.ready.get(language);
    if (!prior) void this.load(language);
    return prior ?? null;
  }

  load(language: LanguageId): Promise<PriorLoad> {
    const running = this.loads.get(language);
    if (running) return running;
    const started = performance.now();
    const url = priorUrl(language);
    const load = (async (): Promise<PriorLoad> => {
      if (url === null) return { language, bytes: 0, ms: 0, ok: false };
      try {
        const bytes = await this.fetchBytes(url);
        this.ready.set(language, decodePrior(language, bytes.gunzipped));
        return { language, bytes: bytes.fetched, ms: performance.now() - started, ok: true };
      } catch {
        this.loads.delete(language);
        return { language, bytes: 0, ms: performance.now() - started, ok: false };
      }
    })();
    this.loads.set(language, load);
    return load;
  }
}

async function fetchGunzipped(url: string): Promise<FetchedPrior> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const raw = new Uint8Array(await response.arrayBuffer());
  // Served with Content-Encoding: gzip (a proxy's choice), the browser has unpacked it already.
  if (raw[0] !== 0x1f || raw[1] !== 0x8b) return { fetched: raw.byteLength, gunzipped: raw };
  const unpacked = new Blob([raw]).stream().pipeThrough(new DecompressionStream('gzip'));
  return { fetched: raw.byteLength, gunzipped: new Uint8Array(await new Response(unpacked).arrayBuffer()) };
}
