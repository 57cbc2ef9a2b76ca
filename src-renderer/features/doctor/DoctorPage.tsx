/**
 * Doctor: the orchestrator's checks (engines, repositories, disk, ports, proxy, sandbox), run when the
 * page opens and on "Run checks", grouped worst first with each problem's fix; "Copy as JSON" copies
 * the report as `berth doctor --json` prints it.
 */
import { formatDuration } from '../sessions/format.js';
import { copyLabel, useCopy } from './copy-text.js';
import { DoctorCheckItem } from './DoctorCheckItem.js';
import { formatRunTime, groupChecks, groupHeading, reportToJson, statusMark, summaryEntries } from './doctor-format.js';
import { useDoctor } from './use-doctor.js';
import './doctor.css';

export function DoctorPage() {
  const doctor = useDoctor();
  const [copyState, copy] = useCopy();
  const { report, running, error } = doctor;
  const slowest = report ? Math.max(0, ...report.checks.map((c) => c.durationMs)) : 0;

  return (
    <div className="settings-page doctor-page" data-testid="doctor-page" aria-busy={running}>
      <div className="page-head">
        <h1>Doctor</h1>
        <div className="page-actions">
          <button
            type="button"
            className="button"
            data-testid="doctor-copy-json"
            disabled={!report}
            onClick={() => report && void copy(reportToJson(report))}
          >
            {copyLabel(copyState, 'Copy as JSON')}
          </button>
          <button type="button" className="button primary" data-testid="doctor-run" disabled={running} onClick={() => void doctor.run()}>
            {running ? 'Running…' : 'Run checks'}
          </button>
        </div>
      </div>
      <p className="field-hint doctor-intro">
        Checks what Berth relies on here: engines, runtimes, repositories, disk, ports, the credential proxy and the sandbox. Each
        problem comes with what to do about it. <code>berth doctor</code> runs the same checks.
      </p>

      {error ? (
        <p className="error-text doctor-error" role="alert" data-testid="doctor-error">
          {error}
        </p>
      ) : null}

      {report ? (
        <div className="doctor-summary" data-testid="doctor-summary" role="status">
          {summaryEntries(report).map((entry) => (
            <span
              key={entry.status}
              className={`doctor-count doctor-${entry.status}${entry.count === 0 ? ' doctor-zero' : ''}`}
              data-testid={`doctor-count-${entry.status}`}
              data-count={entry.count}
            >
              <span aria-hidden="true">{statusMark(entry.status)}</span> {entry.label}
            </span>
          ))}
          <span className="doctor-when">
            {report.checks.length} checks at {formatRunTime(report.at)} · slowest {formatDuration(slowest)}
          </span>
        </div>
      ) : running ? (
        <p className="field-hint" data-testid="doctor-running">
          Running checks…
        </p>
      ) : null}

      <div className={running && report ? 'doctor-groups doctor-stale' : 'doctor-groups'}>
        {report
          ? groupChecks(report).map((group) => (
              <section key={group.status} className={`settings-section doctor-group doctor-${group.status}`} data-testid="doctor-group" data-status={group.status}>
                <h2>
                  {groupHeading(group.status)} ({group.checks.length})
                </h2>
                <ul className="doctor-list">
                  {group.checks.map((check) => (
                    <DoctorCheckItem key={check.id} check={check} />
                  ))}
                </ul>
              </section>
            ))
          : null}
      </div>
    </div>
  );
}
