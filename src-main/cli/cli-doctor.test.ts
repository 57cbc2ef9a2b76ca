/**
 * `berth doctor` against a real orchestrator: the JSON report parses, the text report has a line per
 * check, and the exit code is 1 exactly when a check failed (the Docker check may fail here, depending on
 * the machine). Without an orchestrator it exits 1 saying so.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DoctorReportDto } from '../../src-shared/doctor.js';
import { runBerth, startTestOrchestrator, tempDir, type TestOrchestrator } from './cli-test-support.js';

/** The text report's last line. */
const SUMMARY_LINE = /^(\d+) ok, (\d+) warning\(s\), (\d+) failure\(s\), (\d+) skipped$/m;

describe('berth doctor', () => {
  let server: TestOrchestrator;
  const berth = (...args: string[]) => runBerth(args, { home: server.home });

  beforeAll(async () => {
    server = await startTestOrchestrator();
  });

  afterAll(async () => {
    await server?.close();
  });

  it('--json prints a report with checks; exit 1 exactly when a check failed', async () => {
    const res = await berth('doctor', '--json');
    expect(res.stderr).toBe('');
    const report = DoctorReportDto.parse(JSON.parse(res.stdout));
    expect(report.checks.length).toBeGreaterThan(0);
    expect(report.checks.map((c) => c.id)).toEqual(expect.arrayContaining(['docker.engine']));
    const counted = { ok: 0, warn: 0, fail: 0, skip: 0 };
    for (const c of report.checks) counted[c.status]++;
    expect(report.summary).toEqual(counted);
    expect(res.code).toBe(report.summary.fail > 0 ? 1 : 0);
  });

  it('prints one marked line per check, fixes indented, a summary, and exits per the failing-check rule', async () => {
    const json = DoctorReportDto.parse(JSON.parse((await berth('doctor', '--json')).stdout));
    const res = await berth('doctor');
    expect(res.stderr).toBe('');
    const lines = res.stdout.split('\n');
    expect(lines.some((l) => l.startsWith('✓ '))).toBe(true);
    for (const check of json.checks) {
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^[✓!✗-] ${check.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `)));
    }
    for (const [i, line] of lines.entries()) {
      // Only problems have a fix.
      if (line.startsWith('    fix: ')) expect(lines[i - 1]).not.toMatch(/^✓ /);
    }
    const summary = SUMMARY_LINE.exec(res.stdout);
    expect(summary).not.toBeNull();
    const failed = Number(summary?.[3]);
    expect(lines.filter((l) => l.startsWith('✗ '))).toHaveLength(failed);
    expect(res.code).toBe(failed > 0 ? 1 : 0);
  });

  it('without an orchestrator, exits 1 saying none is running', async () => {
    const home = tempDir('berth-doctor-empty-');
    try {
      const res = await runBerth(['doctor'], { home });
      expect(res.code).toBe(1);
      expect(res.stdout).toBe('');
      expect(res.stderr).toMatch(/^berth: .*(no Berth orchestrator|berth serve)/);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
