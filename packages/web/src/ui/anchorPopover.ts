import type { ToggleEvent } from 'react';

/** Viewport margin for a popover, so it never touches the screen edge on a phone. */
const EDGE = 8;

/**
 * For `onBeforeToggle` of a native popover (`position: fixed` in the top layer): anchors it under
 * the right edge of `button` before it shows, so it never flashes at the centre of the screen.
 */
export function placeUnder(event: ToggleEvent<HTMLElement>, button: HTMLElement | null): void {
  if (event.newState !== 'open' || !button) return;
  const rect = button.getBoundingClientRect();
  event.currentTarget.style.top = `${rect.bottom + 6}px`;
  event.currentTarget.style.right = `${Math.max(EDGE, window.innerWidth - rect.right)}px`;
}
