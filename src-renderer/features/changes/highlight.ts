/**
 * Syntax highlighting of diffs: refractor (Prism grammars as a syntax tree) with its common languages
 * plus JSX and TSX, tokenised by react-diff-view.
 *
 * react-diff-view 3 calls `refractor.highlight(text, lang)` and expects the node list refractor 3
 * returned; refractor 4+ returns a root node, so the adapter hands over its children
 * (https://github.com/otakustay/react-diff-view#tokenize: "use refractor@3.x").
 */
import { refractor } from 'refractor';
import jsx from 'refractor/jsx';
import tsx from 'refractor/tsx';
import { tokenize, type HunkData, type HunkTokens } from 'react-diff-view';

refractor.register(jsx);
refractor.register(tsx);

/** Diffs longer than this are drawn without highlighting (tokenising them would stall the view). */
export const MAX_HIGHLIGHT_LINES = 20_000;

type Refractor3 = Parameters<typeof tokenize>[1] extends infer O ? (O extends { refractor: infer R } ? R : never) : never;

const adapter = {
  highlight: (text: string, language: string) => refractor.highlight(text, language).children,
} as unknown as Refractor3;

/** Tokens for every line of `hunks`, highlighted in `language` when known; null when it can't be done. */
export function tokensFor(hunks: HunkData[], language: string | null): HunkTokens | null {
  try {
    if (language && refractor.registered(language)) return tokenize(hunks, { highlight: true, refractor: adapter, language });
    return tokenize(hunks);
  } catch {
    // A hunk tokenize cannot line up (e.g. a truncated diff) is drawn plain.
    return null;
  }
}
