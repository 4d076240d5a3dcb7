import type { Source, SourceKind } from './evidence.js';
import { isSpaceCode, isWordCode, wordRunLength } from './text.js';

/** One step of the most likely continuation: the text so far and how probable it is. */
export interface PathStep {
  readonly text: string;
  readonly probability: number;
  /** The source contributing most to this step, to label the suggestion. */
  readonly dominant: SourceKind;
}

export interface Ghost {
  readonly text: string;
  readonly probability: number;
  readonly dominant: SourceKind;
  /** The ghost runs past the word being typed (a line prediction rather than a word completion). */
  readonly beyondWord: boolean;
}

// Below MIN_PROBABILITY a guess is more often wrong than right. The steep exponent makes any real
// drop in confidence outweigh extra length: a sure word beats a doubtful rest-of-line (tuned with
// bench:complete, where it raised both keystrokes saved and acceptance).
export const MIN_PROBABILITY = 0.5;
const CONFIDENCE_EXPONENT = 10;
const MAX_GHOST_CHARS = 160;

/**
 * Walk the options of all sources token by token, always following the token with the most
 * probability mass, and record each prefix with its mass. Mass of a prefix = trust-weighted share
 * of each source's options that start with it.
 */
export function likelyPath(sources: readonly Source[], minProbability = MIN_PROBABILITY): PathStep[] {
  // Lambdas are absolute shares of probability (they sum to at most 1): mass not assigned to any
  // source stands for "something else", so thin evidence yields low probabilities.
  const scale = sources.map((s) => s.lambda / s.options.reduce((sum, o) => sum + o.weight, 0));
  let active = sources.flatMap((s, si) => s.options.map((o) => ({ text: o.text, mass: o.weight * scale[si]!, kind: s.kind })));
  const steps: PathStep[] = [];
  let pos = 0;
  while (pos < MAX_GHOST_CHARS) {
    const masses = new Map<string, number>();
    for (const a of active) {
      const end = segmentEnd(a.text, pos);
      if (end > pos) {
        const segment = a.text.slice(pos, end);
        masses.set(segment, (masses.get(segment) ?? 0) + a.mass);
      }
    }
    const best = heaviest(masses);
    if (best === null) break;
    const soFar = steps[steps.length - 1]?.text ?? '';
    // A token's mass includes longer tokens it begins (`Readonly` also counts `ReadonlyArray`).
    const bestMass = prefixMass(masses, best[0]);
    const partial = sharedStart(masses, best[0], bestMass);
    if (partial !== null && partial[1] >= minProbability) {
      const text = soFar + partial[0];
      steps.push({ text, probability: partial[1], dominant: dominantKind(active.filter((a) => a.text.startsWith(text))) });
    }
    if (bestMass < minProbability) break;
    const nextText = soFar + best[0];
    active = active.filter((a) => a.text.startsWith(nextText));
    pos = nextText.length;
    steps.push({ text: nextText, probability: bestMass, dominant: dominantKind(active) });
  }
  return steps;
}

function prefixMass(masses: ReadonlyMap<string, number>, prefix: string): number {
  let mass = 0;
  for (const [segment, m] of masses) if (segment.startsWith(prefix)) mass += m;
  return mass;
}

/**
 * The longest proper prefix of `best` that carries clearly more mass than `best` itself, for words
 * that agree on their start only (`println`, `print`, `printf` all begin `print`).
 */
function sharedStart(masses: ReadonlyMap<string, number>, best: string, bestMass: number): [string, number] | null {
  for (let length = best.length - 1; length > 0; length--) {
    const prefix = best.slice(0, length);
    if (prefix.trim() === '') break;
    const mass = prefixMass(masses, prefix);
    if (mass > bestMass * 1.05) return [prefix, mass];
  }
  return null;
}

/** Confidence-weighted length: what a ghost is expected to be worth. */
export function ghostScore(step: { readonly text: string; readonly probability: number }): number {
  return step.probability ** CONFIDENCE_EXPONENT * (step.text.length - 1);
}

/** Pick the step with the best confidence-weighted length; a one-character ghost saves nothing. */
export function chooseGhost(steps: readonly PathStep[]): Ghost | null {
  let best: PathStep | null = null;
  let bestScore = 0;
  for (const step of steps) {
    const score = ghostScore(step);
    if (step.text.trim().length >= 2 && score > bestScore) {
      best = step;
      bestScore = score;
    }
  }
  if (best === null) return null;
  return { ...best, beyondWord: best.text.length > wordRunLength(best.text, 0) };
}

/**
 * End of the token starting at `pos`: a run of word characters or a single other character,
 * with any whitespace before it. Leading whitespace belongs to the token it introduces, so a
 * ghost never ends in a dangling space.
 */
export function segmentEnd(text: string, pos: number): number {
  let i = pos;
  while (i < text.length && isSpaceCode(text.charCodeAt(i))) i++;
  if (i >= text.length) return text.length;
  if (isWordCode(text.charCodeAt(i))) {
    while (i < text.length && isWordCode(text.charCodeAt(i))) i++;
    return i;
  }
  return i + 1;
}

function heaviest(masses: ReadonlyMap<string, number>): [string, number] | null {
  let best: [string, number] | null = null;
  for (const entry of masses) {
    // Ties go to the lexicographically smaller token, so equal evidence always gives the same answer.
    if (best === null || entry[1] > best[1] || (entry[1] === best[1] && entry[0] < best[0])) best = entry;
  }
  return best;
}

function dominantKind(active: readonly { mass: number; kind: SourceKind }[]): SourceKind {
  const byKind = new Map<SourceKind, number>();
  for (const a of active) byKind.set(a.kind, (byKind.get(a.kind) ?? 0) + a.mass);
  let best: SourceKind = 'document';
  let bestMass = -1;
  for (const [kind, mass] of byKind) {
    if (mass > bestMass) {
      best = kind;
      bestMass = mass;
    }
  }
  return best;
}
