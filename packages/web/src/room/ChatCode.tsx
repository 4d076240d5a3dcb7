import { useEffect, useRef } from 'react';

/** Elements and attributes Monaco's colorizer produces; anything else means its output is not what we expect. */
const COLORIZED_TAGS = new Set(['SPAN', 'BR']);
const COLORIZED_ATTRIBUTES = new Set(['class', 'dir']);

/**
 * Parses the colorizer's HTML in an inert document and keeps it only if it is nothing but styled
 * spans and line breaks (the colorizer escapes the text itself; this makes sure of it). Null otherwise.
 */
export function colorizedNodes(html: string): Node[] | null {
  const body = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html').body;
  for (const element of body.querySelectorAll('*')) {
    if (!COLORIZED_TAGS.has(element.tagName)) return null;
    for (const attribute of element.attributes) if (!COLORIZED_ATTRIBUTES.has(attribute.name)) return null;
  }
  // The colorizer ends every line with <br/>: the last one would add an empty line.
  if (body.lastChild?.nodeName === 'BR') body.lastChild.remove();
  // It writes spaces as no-break spaces (the editor's rendering); the CSS keeps spaces, and copied code must have real ones.
  const texts = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  for (let text = texts.nextNode(); text !== null; text = texts.nextNode())
    text.nodeValue = (text.nodeValue ?? '').replaceAll('\u00a0', ' ');
  return [...body.childNodes].map((node) => document.importNode(node, true));
}

/**
 * Code from a chat message, highlighted by Monaco (loaded lazily; the room page has it already)
 * in the editor's theme. Shows the plain text (as a text node, never markup) until then or if that fails.
 */
export function ChatCode({ code, languageId, block }: { code: string; languageId: string; block: boolean }) {
  const ref = useRef<HTMLElement>(null);

  // The element's content is set here, never by React: the highlighted nodes replace the plain text.
  useEffect(() => {
    let cancelled = false;
    if (ref.current) {
      ref.current.textContent = code;
      delete ref.current.dataset.highlighted;
    }
    import('../lib/monaco')
      .then(({ setupMonaco }) => setupMonaco().editor.colorize(code, languageId, { tabSize: 4 }))
      .then((html) => {
        const nodes = colorizedNodes(html);
        if (cancelled || nodes === null || ref.current === null) return;
        ref.current.replaceChildren(...nodes);
        ref.current.dataset.highlighted = 'true';
      })
      .catch(() => {
        // The plain text stays: highlighting is a nicety.
      });
    return () => {
      cancelled = true;
    };
  }, [code, languageId]);

  const codeElement = <code ref={ref} className={block ? 'chat-code chat-code--block' : 'chat-code'} data-testid="chat-code" />;
  return block ? <pre className="chat-pre">{codeElement}</pre> : codeElement;
}
