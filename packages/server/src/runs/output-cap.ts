import { RUN_OUTPUT_MAX_BYTES, type RunOutputChunk, type RunStream } from '@pairwise/protocol';

/** How much of a run's output is kept (UTF-8 bytes) and whether some was dropped. */
export interface OutputCap {
  bytes: number;
  truncated: boolean;
}

/** What one chunk added: the text kept (null: none), and the notice to relay once, as the cap is reached. */
export interface CappedChunk {
  kept: string | null;
  notice: string | null;
}

export const TRUNCATED_NOTICE = `\n[output truncated: a run keeps ${RUN_OUTPUT_MAX_BYTES / 1024} KiB]\n`;

/**
 * Appends what fits of `text` under `maxBytes` to `output`, merging it into the last chunk when
 * that is of the same stream (chunks are replaced, never changed: a snapshot being written keeps
 * its own). Past the cap the rest is dropped and the run marked truncated, once.
 */
export function appendCapped(
  output: RunOutputChunk[],
  cap: OutputCap,
  stream: RunStream,
  text: string,
  maxBytes = RUN_OUTPUT_MAX_BYTES,
): CappedChunk {
  if (cap.truncated) return { kept: null, notice: null };
  const kept = utf8Prefix(text, maxBytes - cap.bytes);
  const fits = kept.length === text.length;
  if (kept.length > 0) {
    const last = output[output.length - 1];
    if (last?.stream === stream) output[output.length - 1] = { stream, text: last.text + kept };
    else output.push({ stream, text: kept });
    cap.bytes += Buffer.byteLength(kept);
  }
  if (fits) return { kept: kept.length > 0 ? kept : null, notice: null };
  cap.truncated = true;
  return { kept: kept.length > 0 ? kept : null, notice: TRUNCATED_NOTICE };
}

/** The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`, never splitting a character. */
export function utf8Prefix(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}
