import type { CursorContext } from './context.js';
import { closerAt, type Closer } from './closer.js';
import { collectLevels } from './matcher.js';
import { priorSources } from './priors.js';
import { segmentEnd } from './ranker.js';
import { sequenceContinuation } from './sequence.js';
import type { Source, SourceKind } from './evidence.js';

/** Share of all mass taken by evidence that overrides the rest when present. */
const OVERRIDE = { sequence: 0.97, blockCloser: 0.7 } as const;
const NEGLIGIBLE_MASS = 0.02;
/** Added to the distinct-continuation count of a level when computing its escape probability. */
const ESCAPE_BIAS = 0.5;

export function gatherSources(ctx: CursorContext): Source[] {
  const closer = closerAt(ctx);
  const overrides = overrideSources(ctx, closer);
  let remaining = Math.max(0, 1 - overrides.reduce((sum, s) => sum + s.lambda, 0));
  // PPM-style blending: the longest matching context speaks first and escapes to shorter ones in
  // proportion to how undecided it is; the language's own knowledge gets what all levels leave.
  const sources: Source[] = [...overrides];
  const levels = collectLevels(ctx).sort((a, b) => b.order - a.order);
  for (const level of levels) {
    // Once the longer contexts hold nearly all the mass, shorter ones cannot change any decision.
    if (remaining < NEGLIGIBLE_MASS) break;
    const escapeShare = escapeProbability(
      level.continuations.map((c) => c.text),
      level.order === 0 ? ctx.word.length : 1,
    );
    sources.push({ kind: 'document', order: level.order, lambda: remaining * (1 - escapeShare), options: level.continuations });
    remaining *= escapeShare;
  }
  const priors = priorSources(ctx, closer);
  const priorTotal = Math.max(
    1,
    priors.reduce((sum, s) => sum + s.lambda, 0),
  );
  for (const prior of priors) sources.push({ ...prior, lambda: (remaining * prior.lambda) / priorTotal });
  return sources.filter((s) => s.options.length > 0 && s.lambda > 0);
}

/**
 * PPM-C escape: many different next tokens after few occurrences means the context decides little.
 * For the bare word, the escape is the chance of a word the document has not used yet, which
 * shrinks as more of the word is typed and still matches a known one.
 */
function escapeProbability(continuations: readonly string[], typedChars: number): number {
  if (continuations.length === 0) return 1;
  const distinct = new Set(continuations.map((c) => c.slice(0, segmentEnd(c, 0)))).size + ESCAPE_BIAS;
  return distinct / (continuations.length + distinct) / (1 + (Math.max(1, typedChars) - 1) / 2);
}

function overrideSources(ctx: CursorContext, closer: Closer | null): Source[] {
  const sequence = sequenceContinuation(ctx);
  if (sequence !== null) return [single('sequence', OVERRIDE.sequence, sequence)];
  if (closer?.block === true) return [single('closer', OVERRIDE.blockCloser, closer.text)];
  return [];
}

function single(kind: SourceKind, lambda: number, text: string): Source {
  return { kind, order: 0, lambda, options: [{ text, weight: 1 }] };
}
