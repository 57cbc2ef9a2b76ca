/**
 * One file's diff, drawn by react-diff-view (unified or split, syntax-highlighted by refractor) and
 * virtualised with @tanstack/react-virtual: each hunk is a header row (with its stage or unstage
 * button) and blocks of at most DIFF_BLOCK_LINES lines, and only the blocks on screen are in the DOM
 * (and highlighted).
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { Diff, Hunk, type DiffType, type HunkData, type HunkTokens, type ViewType } from 'react-diff-view';
import 'react-diff-view/style/index.css';
import './diff.css';
import { buildDiffModel, diffTypeOf, languageOf, type DiffRow } from './diff-model.js';
import { MAX_HIGHLIGHT_LINES, tokensFor } from './highlight.js';

/** Height of one diff line in px (changes.css: `.diff-line` line-height × font-size), for the first layout. */
const LINE_HEIGHT_PX = 19;
/** Height of a hunk header row in px. */
const HEADER_HEIGHT_PX = 30;
/** Blocks drawn beyond the visible ones, above and below. */
const OVERSCAN_ROWS = 2;
/** Size assumed for the scroller until it is measured (first paint, jsdom). */
const INITIAL_RECT = { width: 800, height: 600 };

/** What a hunk's button does: stage it (unstaged diff), unstage it (staged diff), or nothing (committed). */
export type HunkAction = 'stage' | 'unstage' | null;

interface DiffViewProps {
  path: string;
  diff: string;
  truncated: boolean;
  viewType: ViewType;
  hunkAction: HunkAction;
  /** Disables the hunk buttons while an action runs. */
  busy: boolean;
  onHunk(header: string): void;
}

export function DiffView({ path, diff, truncated, viewType, hunkAction, busy, onHunk }: DiffViewProps) {
  const model = useMemo(() => buildDiffModel(diff), [diff]);
  const language = model && model.lines <= MAX_HIGHLIGHT_LINES ? languageOf(path) : null;
  const scrollRef = useRef<HTMLDivElement>(null);
  const rows = model?.rows ?? [];
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => estimateRow(rows[i]),
    getItemKey: (i) => rows[i]?.key ?? i,
    overscan: OVERSCAN_ROWS,
    // Before the scroller is measured (first paint, jsdom): draw as for a typical pane.
    initialRect: INITIAL_RECT,
  });

  if (!model) {
    return (
      <p className="diff-empty" data-testid="diff-empty">
        {diff.includes('Binary files') ? 'Binary file: no text diff.' : 'No text changes (a mode change, or an empty file).'}
      </p>
    );
  }

  const diffType = diffTypeOf(model.file);
  return (
    <div className="diff-scroll" ref={scrollRef} data-testid="diff-view" data-view-type={viewType}>
      {truncated ? (
        <p className="diff-truncated" role="note" data-testid="diff-truncated">
          This diff is too long to show whole; the rest is cut.
        </p>
      ) : null}
      <div className="diff-rows" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index];
          if (!row) return null;
          return (
            <div
              key={item.key}
              className="diff-row"
              data-index={item.index}
              ref={virtualizer.measureElement}
              style={{ transform: `translateY(${item.start}px)` }}
            >
              {row.kind === 'header' ? (
                <div className="hunk-header" data-testid="hunk-header" data-hunk={row.hunkIndex}>
                  <code className="hunk-header-text">{row.hunk.content}</code>
                  {hunkAction ? (
                    <button
                      type="button"
                      className="button small"
                      data-testid={`hunk-${hunkAction}`}
                      disabled={busy}
                      onClick={() => onHunk(row.hunk.content)}
                    >
                      {hunkAction === 'stage' ? 'Stage hunk' : 'Unstage hunk'}
                    </button>
                  ) : null}
                </div>
              ) : (
                <DiffBlock viewType={viewType} diffType={diffType} hunk={row.hunk} language={language} />
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}

/**
 * One block of a hunk's lines. It is drawn plain at once and highlighted when the browser is idle (off
 * the scroll's frames): tokenising costs a few tens of ms per block, and a block scrolled past before then never pays it.
 */
const DiffBlock = memo(function DiffBlock({ viewType, diffType, hunk, language }: { viewType: ViewType; diffType: DiffType; hunk: HunkData; language: string | null }) {
  const [tokens, setTokens] = useState<HunkTokens | null>(null);
  useEffect(() => whenIdle(() => setTokens(tokensFor(hunk, language))), [hunk, language]);
  return (
    <Diff viewType={viewType} diffType={diffType} hunks={[hunk]} tokens={tokens} className="diff-block">
      {(hunks) => hunks.map((h) => <Hunk key={h.content} hunk={h} />)}
    </Diff>
  );
});

/** Longest a block waits for an idle moment before it is highlighted anyway. */
const HIGHLIGHT_DEADLINE_MS = 300;

/** Runs `fn` when the browser is idle (between scroll frames), or soon where it can't tell; returns the cancel. */
function whenIdle(fn: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(fn, { timeout: HIGHLIGHT_DEADLINE_MS });
    return () => cancelIdleCallback(id);
  }
  const timer = setTimeout(fn, 0);
  return () => clearTimeout(timer);
}

function estimateRow(row: DiffRow | undefined): number {
  if (!row) return LINE_HEIGHT_PX;
  return row.kind === 'header' ? HEADER_HEIGHT_PX : row.lines * LINE_HEIGHT_PX;
}
