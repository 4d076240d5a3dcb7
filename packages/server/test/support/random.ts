/** A seeded PRNG (mulberry32) so a failing randomized run can be replayed with the seed it prints. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed for this run: PAIRWISE_SEED to replay one, otherwise a fresh one. */
export function runSeed(): number {
  const fixed = process.env.PAIRWISE_SEED;
  return fixed ? Number(fixed) : Math.floor(Math.random() * 2 ** 31);
}
