import { RUN_CHUNK_MAX_CHARS, type RunOutputChunk, type RunStream } from '@pairwise/protocol';

/** How long output gathers before it is shown and sent: a flood becomes ~20 messages a second. */
export const OUTPUT_BATCH_MS = 50;

/** `text` in pieces of at most `max` characters, never splitting a surrogate pair. */
export function splitText(text: string, max = RUN_CHUNK_MAX_CHARS): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (text.length - start > max) {
    let end = start + max;
    const code = text.charCodeAt(end - 1);
    if (code >= 0xd800 && code <= 0xdbff) end--;
    pieces.push(text.slice(start, end));
    start = end;
  }
  pieces.push(text.slice(start));
  return pieces;
}

/**
 * Gathers a run's output and hands it on every OUTPUT_BATCH_MS (or at `flush()`): consecutive text of
 * one stream merged, in chunks of at most RUN_CHUNK_MAX_CHARS, in order.
 */
export class OutputBatcher {
  private pending: RunOutputChunk[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly deliver: (chunks: RunOutputChunk[]) => void;

  constructor(deliver: (chunks: RunOutputChunk[]) => void) {
    this.deliver = deliver;
  }

  push(stream: RunStream, text: string): void {
    if (text === '') return;
    const last = this.pending.at(-1);
    if (last && last.stream === stream) last.text += text;
    else this.pending.push({ stream, text });
    this.timer ??= setTimeout(() => this.flush(), OUTPUT_BATCH_MS);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const chunks = this.pending.flatMap(({ stream, text }) => splitText(text).map((piece) => ({ stream, text: piece })));
    this.pending = [];
    this.deliver(chunks);
  }
}
