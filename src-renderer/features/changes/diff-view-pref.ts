/**
 * The diff layout the user picked (unified or split), remembered on this device.
 */
import { useCallback, useState } from 'react';
import type { ViewType } from 'react-diff-view';

/** localStorage key of the diff layout preference. */
export const DIFF_VIEW_PREF_KEY = 'berth.diffView';

function load(): ViewType {
  try {
    return globalThis.localStorage?.getItem(DIFF_VIEW_PREF_KEY) === 'split' ? 'split' : 'unified';
  } catch {
    return 'unified';
  }
}

/** The remembered layout and a setter that remembers the new one. */
export function useDiffViewPref(): [ViewType, (view: ViewType) => void] {
  const [view, setView] = useState<ViewType>(load);
  const set = useCallback((next: ViewType) => {
    setView(next);
    try {
      globalThis.localStorage?.setItem(DIFF_VIEW_PREF_KEY, next);
    } catch {
      // Storage can be unavailable (private mode); the choice then lasts for this tab only.
    }
  }, []);
  return [view, set];
}
