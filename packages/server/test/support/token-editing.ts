import type * as Y from 'yjs';

/**
 * Edits made of unique tokens such as `[c3-17]`, so "nothing lost" is checkable after any
 * interleaving: inserts land only between tokens and deletes remove whole tokens, so the final text
 * must be exactly the inserted tokens minus the deleted ones, each once.
 */
const TOKEN = /\[c\d+-\d+\]/g;

export class TokenLedger {
  readonly inserted = new Set<string>();
  readonly deleted = new Set<string>();

  insert(text: Y.Text, client: number, random: () => number): string {
    const token = `[c${client}-${this.inserted.size}]`;
    const boundaries = tokenBoundaries(text.toString());
    const at = boundaries[Math.floor(random() * boundaries.length)] ?? 0;
    text.insert(at, token);
    this.inserted.add(token);
    return token;
  }

  deleteOne(text: Y.Text, random: () => number): void {
    const matches = [...text.toString().matchAll(TOKEN)];
    const victim = matches[Math.floor(random() * matches.length)];
    if (!victim) return;
    text.delete(victim.index, victim[0].length);
    this.deleted.add(victim[0]);
  }

  expected(): Set<string> {
    return new Set([...this.inserted].filter((t) => !this.deleted.has(t)));
  }
}

export function tokensOf(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/** Fails with a readable diff unless `text` is exactly the expected tokens, each once. */
export function assertHoldsExactly(text: string, expected: ReadonlySet<string>): void {
  const tokens = tokensOf(text);
  if (tokens.join('') !== text) throw new Error(`text has bytes outside tokens: ${JSON.stringify(text.slice(0, 200))}`);
  const seen = new Set(tokens);
  const duplicated = tokens.length - seen.size;
  const missing = [...expected].filter((t) => !seen.has(t));
  const extra = [...seen].filter((t) => !expected.has(t));
  if (duplicated || missing.length || extra.length) {
    throw new Error(`duplicated ${duplicated}, missing ${missing.slice(0, 10)}, unexpected ${extra.slice(0, 10)}`);
  }
}

function tokenBoundaries(text: string): number[] {
  const boundaries = [0];
  for (const match of text.matchAll(TOKEN)) boundaries.push(match.index + match[0].length);
  return boundaries;
}
