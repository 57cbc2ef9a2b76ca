/**
 * The Setup tab of a session pane: the repository's setup command, where it came from, how it went,
 * how long it took, and everything it printed (scrolled to the end while it runs).
 */
import { useEffect, useRef } from 'react';
import type { SetupLogDto } from '../../../src-shared/dto.js';
import { formatMs } from './changes-format.js';

const STATUS_TEXT: Record<SetupLogDto['status'], string> = {
  running: 'Running…',
  succeeded: 'Succeeded',
  failed: 'Failed',
};

/** How close to the bottom (px) the output must be scrolled to keep following new lines. */
const FOLLOW_SLACK_PX = 24;

export function SetupTab({ log }: { log: SetupLogDto }) {
  const outputRef = useRef<HTMLPreElement>(null);
  const followRef = useRef(true);

  useEffect(() => {
    const output = outputRef.current;
    if (output && followRef.current) output.scrollTop = output.scrollHeight;
  }, [log.output]);

  const duration = log.ms === null ? null : formatMs(log.ms);
  return (
    <div className="setup-tab" data-testid="setup-tab">
      <dl className="setup-facts">
        <dt>Command</dt>
        <dd className="mono" data-testid="setup-command">
          {log.command}
        </dd>
        <dt>From</dt>
        <dd className="mono" data-testid="setup-source">
          {log.source}
        </dd>
        <dt>Status</dt>
        <dd>
          <span className={`setup-status setup-${log.status}`} data-testid="setup-status">
            {STATUS_TEXT[log.status]}
          </span>
          {log.exitCode !== null ? <span className="setup-exit"> · exit code {log.exitCode}</span> : null}
          {duration ? (
            <span className="setup-duration" data-testid="setup-duration">
              {' '}
              · {duration}
            </span>
          ) : null}
        </dd>
        {log.failure ? (
          <>
            <dt>Why</dt>
            <dd className="error-text" data-testid="setup-failure">
              {log.failure}
            </dd>
          </>
        ) : null}
      </dl>
      <pre
        className="setup-output"
        data-testid="setup-output"
        ref={outputRef}
        tabIndex={0}
        aria-label="Setup output"
        onScroll={(e) => {
          const el = e.currentTarget;
          followRef.current = el.scrollHeight - el.scrollTop - el.clientHeight < FOLLOW_SLACK_PX;
        }}
      >
        {log.output || (log.status === 'running' ? '' : '(no output)')}
      </pre>
    </div>
  );
}
