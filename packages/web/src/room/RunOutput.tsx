import { memo } from 'react';
import Anser from 'anser';
import type { RunOutputChunk } from '@pairwise/protocol';

/**
 * One stream's text with its ANSI colours as classes (run.css maps them per theme). Every piece is a
 * React text node: the program's output is never markup.
 */
const AnsiText = memo(function AnsiText({ text }: { text: string }) {
  const parts = Anser.ansiToJson(text, { use_classes: true, remove_empty: true });
  return (
    <>
      {parts.map((part, index) => {
        const classes = [part.fg && `${part.fg}-fg`, part.bg && `${part.bg}-bg`, ...part.decorations.map((d) => `ansi-${d}`)].filter(
          Boolean,
        );
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: the pieces of one immutable text, in order.
          <span key={index} className={classes.length > 0 ? classes.join(' ') : undefined}>
            {part.content}
          </span>
        );
      })}
    </>
  );
});

export function RunOutput({ output }: { output: readonly RunOutputChunk[] }) {
  return (
    <pre className="run-output" data-testid="run-output">
      {output.map((chunk, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: chunks are only ever appended.
        <span key={index} className={`run-output__${chunk.stream}`} data-stream={chunk.stream}>
          <AnsiText text={chunk.text} />
        </span>
      ))}
    </pre>
  );
}
