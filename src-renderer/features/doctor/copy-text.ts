/**
 * Copying text to the clipboard from a click, with a short-lived "Copied" state for the button.
 */
import { useEffect, useRef, useState } from 'react';

/** How long a copy button says "Copied" (or "Copy failed"). */
export const COPY_FEEDBACK_MS = 1_500;

/**
 * Writes `text` to the clipboard: the async Clipboard API (secure contexts: the desktop app, loopback
 * http), else a hidden textarea and `execCommand('copy')` for older or stricter embeddings.
 * https://developer.mozilla.org/en-US/docs/Web/API/Clipboard/writeText
 */
export async function copyText(text: string, doc: Document = document): Promise<boolean> {
  try {
    if (doc.defaultView?.navigator.clipboard?.writeText) {
      await doc.defaultView.navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Denied or not focused: try the fallback.
  }
  const area = doc.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  doc.body.appendChild(area);
  try {
    area.select();
    return typeof doc.execCommand === 'function' && doc.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}

/** What a copy button shows. */
export type CopyState = 'idle' | 'copied' | 'failed';

/** A copy action with feedback that resets after COPY_FEEDBACK_MS; the timer is cleared on unmount. */
export function useCopy(): [CopyState, (text: string) => Promise<void>] {
  const [state, setState] = useState<CopyState>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const copy = async (text: string) => {
    const copied = await copyText(text);
    setState(copied ? 'copied' : 'failed');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setState('idle'), COPY_FEEDBACK_MS);
  };
  return [state, copy];
}

/** The label of a copy button in each state. */
export function copyLabel(state: CopyState, idle = 'Copy'): string {
  return state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : idle;
}
