import { useEffect } from 'react';

/**
 * Calls `onEscape` when Escape is pressed anywhere on the page, for as long as the component is
 * mounted: how every dialog closes. Nothing is listened for while `onEscape` is undefined (a dialog
 * that cannot be dismissed). Pass a stable callback: a new one re-subscribes on every render.
 */
export function useEscapeKey(onEscape: (() => void) | undefined): void {
  useEffect(() => {
    if (!onEscape) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onEscape();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onEscape]);
}
