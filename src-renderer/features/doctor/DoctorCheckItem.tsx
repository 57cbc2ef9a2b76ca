/**
 * One doctor check: its mark, title, what it found, and for a problem the fix, with each command it
 * quotes in a code block with a Copy button.
 */
import type { DoctorCheckDto } from '../../../src-shared/doctor.js';
import { copyLabel, useCopy } from './copy-text.js';
import { parseFix, statusLabel, statusMark } from './doctor-format.js';

/** A shell command in a block with its own Copy button. */
export function CommandBlock({ command }: { command: string }) {
  const [state, copy] = useCopy();
  return (
    <div className="command-block" data-testid="doctor-command">
      <pre>
        <code>{command}</code>
      </pre>
      <button
        type="button"
        className="button small command-copy"
        data-testid="doctor-command-copy"
        aria-label={`Copy command: ${command}`}
        onClick={() => void copy(command)}
      >
        {copyLabel(state)}
      </button>
    </div>
  );
}

function Fix({ fix }: { fix: string }) {
  const { segments, commands } = parseFix(fix);
  return (
    <div className="doctor-fix" data-testid="doctor-fix">
      <p>
        <span className="doctor-fix-label">Fix:</span>{' '}
        {segments.map((segment, i) => (segment.kind === 'command' ? <code key={i}>{segment.text}</code> : <span key={i}>{segment.text}</span>))}
      </p>
      {commands.map((command) => (
        <CommandBlock key={command} command={command} />
      ))}
    </div>
  );
}

export function DoctorCheckItem({ check }: { check: DoctorCheckDto }) {
  return (
    <li className={`doctor-check doctor-${check.status}`} data-testid="doctor-check" data-status={check.status} data-check-id={check.id}>
      <span className="doctor-mark" role="img" aria-label={statusLabel(check.status)} title={statusLabel(check.status)}>
        {statusMark(check.status)}
      </span>
      <div className="doctor-check-body">
        <div className="doctor-check-head">
          <span className="doctor-check-title" data-testid="doctor-check-title">
            {check.title}
          </span>
          <span className="doctor-check-id mono">{check.id}</span>
        </div>
        <p className="doctor-check-detail" data-testid="doctor-check-detail">
          {check.detail}
        </p>
        {check.fix !== null ? <Fix fix={check.fix} /> : null}
      </div>
    </li>
  );
}
