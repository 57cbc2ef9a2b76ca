/**
 * The Changes tab's file list: Committed on branch, Staged, Unstaged (untracked included), each file with
 * its status letter and +/− counts and its stage, unstage or discard button. Virtualised: only the rows
 * on screen are in the DOM, so 200 files (or 20,000) cost the same to draw.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef } from 'react';
import type { ChangeArea, ChangedFileDto, ChangesDto } from '../../../src-shared/changes.js';
import { STATUS_LETTER } from './changes-format.js';
import { AREA_TITLES, fileRows, type FileSelection } from './file-rows.js';

/** Height of one row in px (changes.css `.file-row`). */
const ROW_HEIGHT_PX = 26;
/** Rows drawn beyond the visible ones. */
const OVERSCAN_ROWS = 8;

interface FileListProps {
  changes: ChangesDto;
  selected: FileSelection | null;
  busy: boolean;
  onSelect(selection: FileSelection): void;
  onStage(paths: string[]): void;
  onUnstage(paths: string[]): void;
  onDiscard(paths: string[]): void;
}

export function FileList({ changes, selected, busy, onSelect, onStage, onUnstage, onDiscard }: FileListProps) {
  const rows = useMemo(() => fileRows(changes), [changes]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT_PX,
    getItemKey: (i) => rows[i]?.key ?? i,
    overscan: OVERSCAN_ROWS,
    // jsdom and the first paint have no layout: draw a screenful until the scroller is measured.
    initialRect: { width: 300, height: 600 },
  });

  const groupActions = (area: ChangeArea) => {
    const paths = changes[area].map((f) => f.path);
    if (paths.length === 0) return null;
    if (area === 'staged') return <RowButton label="Unstage all" testId="unstage-all" busy={busy} onClick={() => onUnstage(paths)} />;
    if (area === 'unstaged') {
      return (
        <>
          <RowButton label="Stage all" testId="stage-all" busy={busy} onClick={() => onStage(paths)} />
          <RowButton label="Discard all" testId="discard-all" busy={busy} danger onClick={() => onDiscard(paths)} />
        </>
      );
    }
    return null;
  };

  const fileActions = (area: ChangeArea, file: ChangedFileDto) => {
    if (area === 'staged') return <RowButton label="Unstage" testId="file-unstage" busy={busy} onClick={() => onUnstage([file.path])} />;
    if (area === 'unstaged') {
      return (
        <>
          <RowButton label="Stage" testId="file-stage" busy={busy} onClick={() => onStage([file.path])} />
          <RowButton label="Discard" testId="file-discard" busy={busy} danger onClick={() => onDiscard([file.path])} />
        </>
      );
    }
    return null;
  };

  return (
    <div className="file-list" ref={scrollRef} data-testid="file-list" role="listbox" aria-label="Changed files">
      <div className="file-list-rows" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index];
          if (!row) return null;
          const style = { height: item.size, transform: `translateY(${item.start}px)` };
          if (row.kind === 'group') {
            return (
              <div key={item.key} className="file-group" style={style} data-testid={`group-${row.area}`} data-count={row.count}>
                <span className="file-group-title">
                  {AREA_TITLES[row.area]} <span className="file-group-count">{row.count}</span>
                </span>
                <span className="row-actions">{groupActions(row.area)}</span>
              </div>
            );
          }
          const { file, area } = row;
          const isSelected = selected?.area === area && selected.path === file.path;
          const status = STATUS_LETTER[file.status];
          return (
            <div
              key={item.key}
              className={`file-row${isSelected ? ' selected' : ''}`}
              style={style}
              role="option"
              aria-selected={isSelected}
              tabIndex={0}
              data-testid="file-row"
              data-area={area}
              data-path={file.path}
              title={file.oldPath ? `${file.oldPath} → ${file.path}` : file.path}
              onClick={() => onSelect({ area, path: file.path })}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') onSelect({ area, path: file.path });
              }}
            >
              <span className={`file-status status-${file.status}`} title={status.title} data-testid="file-status">
                {status.letter}
              </span>
              <span className="file-path">{file.path}</span>
              <FileCounts file={file} />
              <span className="row-actions">{fileActions(area, file)}</span>
            </div>
          );
        })}
      </div>
    </div>
  );
}

function FileCounts({ file }: { file: ChangedFileDto }) {
  if (file.binary) return <span className="file-counts dim">binary</span>;
  return (
    <span className="file-counts" data-testid="file-counts">
      {file.additions !== null ? <span className="additions">+{file.additions}</span> : null}
      {file.deletions !== null ? <span className="deletions">−{file.deletions}</span> : null}
    </span>
  );
}

function RowButton({ label, testId, busy, danger, onClick }: { label: string; testId: string; busy: boolean; danger?: boolean; onClick(): void }) {
  return (
    <button
      type="button"
      className={`button tiny${danger ? ' danger' : ''}`}
      data-testid={testId}
      disabled={busy}
      onClick={(e) => {
        e.stopPropagation();
        onClick();
      }}
    >
      {label}
    </button>
  );
}
