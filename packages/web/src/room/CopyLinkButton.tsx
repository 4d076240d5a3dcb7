import { useEffect, useState } from 'react';
import { CheckIcon, LinkIcon } from '../ui/icons';

/** navigator.clipboard only exists on https and localhost; self-hosted over plain http on a LAN needs the old way. */
async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Permission denied: fall through to the selection-based copy.
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}

export function CopyLinkButton({ url }: { url: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);

  return (
    <button
      type="button"
      className="btn btn--secondary"
      onClick={() => void copyText(url).then((ok) => setState(ok ? 'copied' : 'failed'))}
      title={state === 'failed' ? url : 'Copy a link to this room'}
      data-testid="copy-link"
    >
      {state === 'copied' ? <CheckIcon /> : <LinkIcon />}
      <span aria-live="polite">{state === 'copied' ? 'Copied!' : state === 'failed' ? 'Copy failed' : 'Copy link'}</span>
    </button>
  );
}
