import { describe, expect, it } from 'vitest';
import { encodePrior, trainPrior } from '@pairwise/complete';
import { PriorCache, priorUrl } from './priorCache';

const TINY = {
  maxOrder: 3,
  vocabularySize: 100,
  minTokenCount: 1,
  maxTokenLength: 48,
  minContextCount: 1,
  maxPredictions: 8,
  minPredictionCount: 1,
};
const bytes = encodePrior(trainPrior('javascript', ['console.log(1);\nconsole.log(2);\n'], TINY));

describe('PriorCache', () => {
  it('finds the built prior of every trained language', () => {
    for (const language of ['python', 'javascript', 'typescript', 'java', 'cpp'] as const) {
      expect(priorUrl(language), language).toMatch(new RegExp(`${language}[^/]*\\.gz`));
    }
    expect(priorUrl('ruby')).toBeNull();
  });

  it('loads a language once for every caller, and answers with it once loaded', async () => {
    let fetches = 0;
    const cache = new PriorCache(async () => {
      fetches++;
      return { fetched: 123, gunzipped: bytes };
    });
    expect(cache.get('javascript')).toBeNull();
    const [first, second] = await Promise.all([cache.load('javascript'), cache.load('javascript')]);
    expect(first).toMatchObject({ language: 'javascript', bytes: 123, ok: true });
    expect(second).toBe(first);
    expect(fetches).toBe(1);
    expect(cache.get('javascript')?.continuations('cons', 4, 1)[0]?.text).toMatch(/^ole\.log\(/);
  });

  it('forgets a failed load (offline before the room first opened), so the next request tries again', async () => {
    let fail = true;
    const cache = new PriorCache(async () => {
      if (fail) throw new Error('offline');
      return { fetched: 1, gunzipped: bytes };
    });
    expect(await cache.load('javascript')).toMatchObject({ ok: false, bytes: 0 });
    fail = false;
    expect(await cache.load('javascript')).toMatchObject({ ok: true });
  });

  it('a language without a trained prior loads nothing and never fetches', async () => {
    const cache = new PriorCache(async () => {
      throw new Error('should not fetch');
    });
    expect(await cache.load('ruby')).toMatchObject({ ok: false });
    expect(cache.get('ruby')).toBeNull();
  });
});
