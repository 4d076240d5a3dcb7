import type { CursorContext } from './context.js';
import type { LanguagePrior } from './prior.js';
import { closerAt, type Closer } from './closer.js';
import { collectLevels } from './matcher.js';
import { priorSources } from './priors.js';
import { segmentEnd } from './ranker.js';
import { sequenceContinuation } from './sequence.js';
import { identifierPartSource } from './identifier-parts.js';
import type { Source, SourceKind } from './evidence.js';

/** Share of all mass taken by evidence that overrides the rest when present. */
const OVERRIDE = { sequence: 0.97, blockCloser: 0.7 } as const;
const NEGLIGIBLE_MASS = 0.02;
/** Added to the distinct-continuation count of a level when computing its escape probability. */
const ESCAPE_BIAS = 0.5;

/**
 * Share of the mass the document leaves over that goes to the learned prior when there is one; the
 * keyword tables, snippets and closers split the rest (0.75 and 0.95 tried with bench:complete's
 * cold-start rows: 0.95 saved more in every language).
 */
const LEARNED_SHARE = 0.95;
const LEARNED_OPTIONS = 24;

export function gatherSources(ctx: CursorContext, learned: LanguagePrior | null): Source[] {
  const closer = closerAt(ctx);
  const overrides = overrideSources(ctx, closer);
  let remaining = Math.max(0, 1 - overrides.reduce((sum, s) => sum + s.lambda, 0));
  // PPM-style blending: the longest matching context speaks first and escapes to shorter ones in
  // proportion to how undecided it is; the language's own knowledge gets what all levels leave.
  const sources: Source[] = [...overrides];
  const levels = collectLevels(ctx, learned === null).sort((a, b) => b.order - a.order);
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
  const learnedSource = learned === null ? null : learnedEvidence(ctx, learned);
  if (learnedSource !== null) {
    // Tried: giving the prior a share before the document levels (as pseudo-occurrences competing
    // with the longest context) lost keystrokes in every language: one earlier occurrence of a
    // local name beats a corpus that never saw it.
    // What the prior leaves unassigned (words it barely knows) falls through to the tables.
    const learnedMass = LEARNED_SHARE * learnedSource.lambda;
    sources.push({ ...learnedSource, lambda: remaining * learnedMass });
    remaining *= 1 - learnedMass;
  }
  // Without a prior the bare-word level also guesses what follows the word (`(`, `;`), which parts
  // would dilute: there they only speak for a new name, one no earlier word starts like.
  const parts = learned === null && levels.some((l) => l.order === 0) ? null : identifierPartSource(ctx);
  if (parts !== null) {
    // After the prior: it knows whole identifiers of the language that parts would only approximate.
    sources.push({ ...parts, lambda: remaining * parts.lambda });
    remaining *= 1 - parts.lambda;
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
 * The prior's continuations are probabilities of the exact text, so the source holds their sum:
 * what they leave stands for "something the prior does not know", as for the document levels.
 */
function learnedEvidence(ctx: CursorContext, learned: LanguagePrior): Source | null {
  const options = learned.continuations(ctx.code, ctx.cursor, LEARNED_OPTIONS);
  if (options.length === 0) return null;
  return {
    kind: 'learned',
    order: 0,
    lambda: Math.min(
      1,
      options.reduce((sum, o) => sum + o.weight, 0),
    ),
    options,
  };
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
