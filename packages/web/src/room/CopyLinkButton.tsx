import { useEffect, useState } from 'react';
import { copyText } from '../lib/clipboard';
import { CheckIcon, LinkIcon } from '../ui/icons';

export function CopyLinkButton({
  url,
  label = 'Copy link',
  title = 'Copy a link to this room',
  testId = 'copy-link',
}: {
  url: string;
  label?: string;
  title?: string;
  testId?: string;
}) {
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
      title={state === 'failed' ? url : title}
      data-testid={testId}
    >
      {state === 'copied' ? <CheckIcon /> : <LinkIcon />}
      <span aria-live="polite">{state === 'copied' ? 'Copied!' : state === 'failed' ? 'Copy failed' : label}</span>
    </button>
  );
}
