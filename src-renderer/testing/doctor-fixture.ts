/**
 * A doctor report with every status, for the Doctor page's unit tests.
 */
import type { DoctorReportDto } from '../../src-shared/doctor.js';

/** One check of each status (two ok), fixes quoting commands the way src-main/doctor writes them. */
export const DOCTOR_FIXTURE: DoctorReportDto = {
  at: Date.UTC(2025, 0, 10, 12, 0, 5),
  checks: [
    { id: 'git.version', title: 'git', status: 'ok', detail: 'git 2.47.2', fix: null, durationMs: 4.2 },
    {
      id: 'docker.engine',
      title: 'Docker engine',
      status: 'fail',
      detail: 'Docker is not reachable at unix:///var/run/docker.sock (no socket there)',
      fix: 'Start Docker (`sudo systemctl start docker`), or point Settings → Docker at a running engine.',
      durationMs: 12,
    },
    {
      id: 'git.loose-objects:/home/u/repo',
      title: 'Loose objects in /home/u/repo',
      status: 'warn',
      detail: '8,412 loose objects (310 MB)',
      fix: "Repack: `git -C '/home/u/repo' gc`",
      durationMs: 31.5,
    },
    { id: 'disk.free:data', title: 'Free disk space (data)', status: 'ok', detail: '120 GB free of 500 GB (24%)', fix: null, durationMs: 0.4 },
    { id: 'docker.runtimes', title: 'Docker runtimes', status: 'skip', detail: 'Docker is not reachable (see the Docker engine check)', fix: null, durationMs: 0 },
  ],
  summary: { ok: 2, warn: 1, fail: 1, skip: 1 },
};
