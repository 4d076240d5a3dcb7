import type * as Y from 'yjs';

/**
 * Edits made of unique tokens such as `[c3-17]`, so "nothing lost" is checkable after any
 * interleaving: inserts land only between tokens and deletes remove whole tokens, so the final text
 * must be exactly the inserted tokens minus the deleted ones, each once.
 *
 * With `payloads`, some tokens carry a payload that the sync path must get right: CRLF and lone CR line endings
 * (the server rewrites both to LF, so tokens are compared in that form), emoji (surrogate pairs,
 * one of them a ZWJ sequence) and combining characters. A `\r` is never a token's last character,
 * so what follows it, which decides the rewrite, is always inside the same token.
 */
const TOKEN = /\[c\d+-\d+[^[\]]*\]/g;
const PAYLOADS = ['', '', '', ' a\r\nb', ' a\rb', ' \u{1F600}', ' e\u0301', ' \u{1F469}\u200D\u{1F4BB}\r\n.'];

/** A token as it reads once the server has normalised its line endings. */
export const lfToken = (token: string): string => token.replace(/\r\n?/g, '\n');

export class TokenLedger {
  /** Tokens as inserted and as deleted, both in their LF form. */
  readonly inserted = new Set<string>();
  readonly deleted = new Set<string>();

  constructor(private readonly options: { payloads: boolean } = { payloads: false }) {}

  insert(text: Y.Text, client: number, random: () => number): string {
    const payload = this.options.payloads ? PAYLOADS[Math.floor(random() * PAYLOADS.length)]! : '';
    const token = `[c${client}-${this.inserted.size}${payload}]`;
    const boundaries = tokenBoundaries(text.toString());
    const at = boundaries[Math.floor(random() * boundaries.length)] ?? 0;
    text.insert(at, token);
    this.inserted.add(lfToken(token));
    return token;
  }

  /**
   * Deletes a random token this client sees exactly as inserted (in LF form). A token in the middle of the
   * server's rewrite is left alone: one still holding its `\r` (its author has not yet received the
   * rewrite), or a lone CR's token without its line break (`[c0-49 ab]`, seen under load: Yjs applies
   * the rewrite's deletion of the `\r` at once but holds its LF until the server's earlier changes
   * arrive). Deleting either would keep the LF the server inserted, a known effect of normalising on
   * the server.
   */
  deleteOne(text: Y.Text, random: () => number): void {
    const matches = [...text.toString().matchAll(TOKEN)].filter((m) => this.inserted.has(m[0]));
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

/**
 * `steps` random edits spread over the editors (70% inserts of ledgered tokens, 30% deletions), with
 * short random pauses so some edits cross on the wire. Returns the ledger of what was inserted.
 */
export async function editRandomly(editors: readonly { text: Y.Text }[], steps: number, random: () => number): Promise<TokenLedger> {
  const ledger = new TokenLedger({ payloads: true });
  for (let step = 0; step < steps; step++) {
    const index = Math.floor(random() * editors.length);
    const editor = editors[index]!;
    if (random() < 0.7) ledger.insert(editor.text, index, random);
    else ledger.deleteOne(editor.text, random);
    if (random() < 0.1) await new Promise((r) => setTimeout(r, random() * 10));
  }
  return ledger;
}
