/**
 * Brings an element into view once when asked, and keeps it there while the page above it is still
 * filling in (the Dashboard's sections grow when their first figures arrive, and at scroll offset 0 the
 * browser's scroll anchoring does not hold the element in place:
 * https://drafts.csswg.org/css-scroll-anchoring/#suppression-triggers). Stops at the user's first
 * scroll, key or click, or after a short while.
 */
import { useEffect, useState, type RefObject } from 'react';

/** How long the element is held in view while the page settles. */
export const REVEAL_SETTLE_MS = 2_000;
/** Inputs that mean the user took over the scrolling. */
const USER_INPUTS = ['wheel', 'keydown', 'pointerdown', 'touchstart'] as const;

/** Reveals `ref`'s element when `requested` turns true; `onRevealed` is called at once (clear the request). */
export function useReveal(ref: RefObject<HTMLElement | null>, requested: boolean, onRevealed: () => void): void {
  const [holding, setHolding] = useState(false);

  useEffect(() => {
    if (!requested) return;
    setHolding(true);
    onRevealed();
  }, [requested, onRevealed]);

  useEffect(() => {
    const element = ref.current;
    if (!holding || !element) return;
    const reveal = () => element.scrollIntoView?.({ block: 'start' });
    reveal();
    const doc = element.ownerDocument;
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(reveal);
    // The sections above grow as they fill in (the scroll container's own box stays the same).
    for (const sibling of element.parentElement?.children ?? []) {
      if (sibling !== element) observer?.observe(sibling);
    }
    let stopped = false;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      observer?.disconnect();
      clearTimeout(timer);
      for (const type of USER_INPUTS) doc.removeEventListener(type, onInput, true);
    };
    const onInput = () => {
      stop();
      setHolding(false);
    };
    const timer = setTimeout(onInput, REVEAL_SETTLE_MS);
    for (const type of USER_INPUTS) doc.addEventListener(type, onInput, true);
    return stop;
  }, [ref, holding]);
}
