/**
 * The current time, re-read on an interval while `active` (for countdowns); no timer otherwise.
 */
import { useEffect, useState } from 'react';

/** How often a countdown is redrawn. */
export const COUNTDOWN_TICK_MS = 1_000;

export function useNow(active: boolean, intervalMs: number = COUNTDOWN_TICK_MS): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs]);
  return now;
}
