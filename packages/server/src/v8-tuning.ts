import { setFlagsFromString } from 'node:v8';

/**
 * V8 settings for a long-running server, set by each composition root before it serves (main.ts,
 * and the bench, which runs Pairwise as main.ts does).
 *
 * No allocation-site pretenuring: V8 starts allocating an allocation site's objects directly in the
 * old generation once most of them survived a scavenge, which a site in the per-keystroke path can
 * reach during joins and warm-up. Its short-lived objects then die in the old generation still
 * pointing at young ones, which every scavenge must keep and promote in turn, until a full
 * collection. In pair rooms at 1,000 updates/s (issue 9) that happened in 3 of 9 runs: 0.8-1.7 MB
 * promoted per scavenge instead of 0.2, and 4-8 ms pauses instead of 2-3 (`--trace-gc-nvp`,
 * bench/profiling/gc-nvp.mjs); with this setting in none of 17. Setting it at run time takes effect:
 * V8 reads it at each pretenuring decision.
 */
export function tuneV8ForServing(): void {
  setFlagsFromString('--no-allocation-site-pretenuring');
}
