/**
 * Creation phases as steps (worktree → [copy ignored files → setup] → image → start → first output) with status and elapsed time.
 * The image step (Docker sessions) shows pull progress: layers and bytes.
 */
import type { CreatePhase, PhaseTimings } from '../../../src-shared/dto.js';
import type { CreateProgress } from '../../store/sessions-slice.js';
import { formatImageProgress } from '../docker/docker-format.js';
import { formatDuration } from './format.js';

interface PhaseRow {
  phase: CreatePhase;
  label: string;
  /** Where the session keeps this phase's measured time, if it does. */
  timing: keyof PhaseTimings | null;
}

const PHASES: readonly PhaseRow[] = [
  { phase: 'worktree', label: 'Worktree', timing: 'worktreeMs' },
  { phase: 'include', label: 'Copy ignored files', timing: null },
  { phase: 'setup', label: 'Setup', timing: null },
  { phase: 'image', label: 'Image', timing: null },
  { phase: 'start', label: 'Start', timing: 'startMs' },
  { phase: 'first-output', label: 'First output', timing: 'firstOutputMs' },
];

type StepStatus = 'pending' | 'started' | 'done' | 'failed';

interface CreateStepsProps {
  progress: CreateProgress | undefined;
  timings: PhaseTimings;
  creating: boolean;
  /** Show the image step (backends that prepare an image: Docker). */
  withImage?: boolean;
}

/** A step's status: from its progress event, else from the measured timings. */
function stepStatus(row: PhaseRow, progress: CreateProgress | undefined, timings: PhaseTimings): StepStatus {
  const event = progress?.[row.phase];
  if (event) return event.status;
  // The image phase has no stored timing; it is over once the container started.
  const measured = row.timing ? timings[row.timing] : timings.startMs;
  return measured !== null ? 'done' : 'pending';
}

export function CreateSteps({ progress, timings, creating, withImage = false }: CreateStepsProps) {
  // Copying ignored files and setup happen only in repositories that ask for them: shown once reported.
  const rows = PHASES.filter((row) => {
    if (row.phase === 'image') return withImage || progress?.image;
    if (row.phase === 'include' || row.phase === 'setup') return progress?.[row.phase] !== undefined;
    return true;
  });
  return (
    <ol className="create-steps" data-testid="create-steps">
      {rows.map((row) => {
        const { phase, label, timing } = row;
        const event = progress?.[phase];
        const status = stepStatus(row, progress, timings);
        const elapsed = event?.elapsedMs ?? (timing ? timings[timing] : null);
        const pulling = phase === 'image' && status === 'started';
        return (
          <li
            key={phase}
            className={`create-step step-${status}`}
            data-testid="create-step"
            data-phase={phase}
            data-status={status}
            title={event?.message ?? undefined}
          >
            <span className="step-icon" aria-hidden="true">
              {status === 'done' ? '✓' : status === 'failed' ? '✕' : status === 'started' ? '…' : '○'}
            </span>
            <span className="step-label">{label}</span>
            {pulling ? (
              <span className="step-detail" data-testid="image-progress">
                {formatImageProgress(event?.image)}
              </span>
            ) : null}
            <span className="step-time">{status === 'pending' && creating ? '' : formatDuration(elapsed)}</span>
          </li>
        );
      })}
    </ol>
  );
}
