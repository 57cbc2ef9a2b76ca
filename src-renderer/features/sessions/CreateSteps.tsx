/**
 * Creation phases as steps (worktree → start → first output) with status and elapsed time.
 */
import type { CreatePhase, PhaseTimings } from '../../../src-shared/dto.js';
import type { CreateProgress } from '../../store/sessions-slice.js';
import { formatDuration } from './format.js';

const PHASES: ReadonlyArray<{ phase: CreatePhase; label: string; timing: keyof PhaseTimings }> = [
  { phase: 'worktree', label: 'Worktree', timing: 'worktreeMs' },
  { phase: 'start', label: 'Start', timing: 'startMs' },
  { phase: 'first-output', label: 'First output', timing: 'firstOutputMs' },
];

type StepStatus = 'pending' | 'started' | 'done' | 'failed';

interface CreateStepsProps {
  progress: CreateProgress | undefined;
  timings: PhaseTimings;
  creating: boolean;
}

export function CreateSteps({ progress, timings, creating }: CreateStepsProps) {
  return (
    <ol className="create-steps" data-testid="create-steps">
      {PHASES.map(({ phase, label, timing }) => {
        const event = progress?.[phase];
        const measured = timings[timing];
        const status: StepStatus = event?.status ?? (measured !== null ? 'done' : 'pending');
        const elapsed = event?.elapsedMs ?? measured;
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
            <span className="step-time">{status === 'pending' && creating ? '' : formatDuration(elapsed)}</span>
          </li>
        );
      })}
    </ol>
  );
}
