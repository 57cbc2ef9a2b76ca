import { describe, expect, it } from 'vitest';
import type { SessionDto } from '../../src-shared/dto.js';
import { describeState, formatAge, formatCommand, formatSessionTable, formatStatus, formatTable } from './format.js';

const NOW = 1_700_000_000_000;

function session(overrides: Partial<SessionDto> = {}): SessionDto {
  return {
    id: 'id-1',
    name: 'fix-tests',
    repoPath: '/repo',
    worktreePath: '/home/.berth/worktrees/repo/fix-tests',
    branch: 'berth/fix-tests',
    baseBranch: 'main',
    agent: 'shell',
    backend: 'local',
    prompt: 'npm test',
    model: null,
    command: ['/bin/bash', '-i'],
    state: 'working',
    exitCode: null,
    reason: null,
    unsynced: null,
    conversationId: null,
    archived: false,
    createdAt: NOW - 90_000,
    updatedAt: NOW - 5_000,
    cols: 120,
    rows: 32,
    pid: 4242,
    phases: { worktreeMs: 12.4, startMs: 5, firstOutputMs: null },
    docker: null,
    stats: null,
    ports: [],
    git: null,
    attention: { detail: null, source: 'activity', since: NOW - 80_000, unread: false },
    ...overrides,
  };
}

describe('formatAge', () => {
  it('uses the largest whole unit', () => {
    expect(formatAge(0)).toBe('0s');
    expect(formatAge(59_999)).toBe('59s');
    expect(formatAge(60_000)).toBe('1m');
    expect(formatAge(3 * 3_600_000)).toBe('3h');
    expect(formatAge(49 * 3_600_000)).toBe('2d');
    expect(formatAge(-5)).toBe('0s');
  });
});

describe('formatTable', () => {
  it('aligns columns and trims trailing spaces', () => {
    expect(formatTable(['A', 'LONG'], [['xyz', '1'], ['q', '']])).toBe('A    LONG\nxyz  1\nq');
  });
});

describe('formatSessionTable', () => {
  it('prints the columns of `berth list`', () => {
    const lines = formatSessionTable([session(), session({ name: 'b', state: 'exited', archived: true })], NOW).split('\n');
    expect(lines[0]).toMatch(/^NAME\s+STATE\s+AGENT\s+BACKEND\s+BRANCH\s+AHEAD\s+BEHIND\s+CHANGED\s+OVERLAP\s+AGE$/);
    expect(lines[1]).toMatch(/^fix-tests\s+working\s+shell\s+local\s+berth\/fix-tests\s+-\s+-\s+-\s+-\s+1m$/);
    expect(lines[2]).toContain('exited (archived)');
  });

  it('shows ahead, behind, changed files and overlaps, with one warning line per pair naming the files', () => {
    const left = session({ id: 'l', name: 'left', git: { ahead: 2, behind: 1, dirty: true, changedFiles: 3, overlaps: [{ sessionId: 'r', name: 'right', files: ['src/a.ts', 'odd\nname'] }] } });
    const right = session({ id: 'r', name: 'right', git: { ahead: 0, behind: 0, dirty: false, changedFiles: 2, overlaps: [{ sessionId: 'l', name: 'left', files: ['src/a.ts', 'odd\nname'] }] } });
    const lines = formatSessionTable([left, right], NOW).split('\n');
    expect(lines[1]).toMatch(/^left\s+working\s+shell\s+local\s+berth\/fix-tests\s+2\s+1\s+3 \(dirty\)\s+right\s+1m$/);
    expect(lines[2]).toMatch(/^right\s+.*\s+0\s+0\s+2\s+left\s+1m$/);
    expect(lines.slice(3)).toEqual(['', 'warning: left and right both change src/a.ts, odd\\nname']);
  });

  it('marks a session whose changes are not synced back', () => {
    const lines = formatSessionTable([session({ state: 'exited', unsynced: 'EISDIR notes.txt' })], NOW).split('\n');
    expect(lines[1]).toMatch(/^fix-tests\s+exited \(not synced back\)\s+shell/);
    const status = formatStatus(session({ state: 'exited', unsynced: 'EISDIR notes.txt' }), [], NOW);
    expect(status).toMatch(/^not synced:\s+changes not synced back: EISDIR notes\.txt \(`berth sync fix-tests` retries\)$/m);
    expect(formatStatus(session(), [], NOW)).not.toContain('not synced');
  });

  it('says "egress not contained" for a Docker session on an open network, and nothing for a contained one', () => {
    const docker = { image: 'img', containerId: null, volumeMode: 'bind' as const, runtime: 'runc', caches: [], limits: { cpus: null, memoryMb: null, pids: null }, warm: false };
    const lines = formatSessionTable(
      [session({ name: 'open', backend: 'docker', docker: { ...docker, networkMode: 'bridge' } }), session({ name: 'shut', backend: 'docker', docker: { ...docker, networkMode: 'contained' } })],
      NOW,
    ).split('\n');
    expect(lines[1]).toMatch(/^open\s+working\s+shell\s+docker \(egress not contained\)\s+/);
    expect(lines[2]).toMatch(/^shut\s+working\s+shell\s+docker\s+berth/);
  });
});

describe('describeState', () => {
  it('adds the exit code, reason and archived flag', () => {
    expect(describeState(session())).toBe('working');
    expect(describeState(session({ state: 'exited', exitCode: 3, reason: 'exited', archived: true }))).toBe(
      'exited (exit code 3): exited [archived]',
    );
  });
});

describe('formatCommand', () => {
  it('quotes only arguments that need it', () => {
    expect(formatCommand(['claude', '--model', 'opus', 'fix the "bug"'])).toBe('claude --model opus "fix the \\"bug\\""');
  });
});

describe('formatStatus', () => {
  it('shows fields, phases and events', () => {
    const text = formatStatus(
      session({ state: 'failed', exitCode: 127, reason: 'command not found' }),
      [
        { sessionId: 'id-1', at: NOW - 90_000, from: null, to: 'creating', detail: 'created' },
        { sessionId: 'id-1', at: NOW - 80_000, from: 'creating', to: 'failed', detail: 'spawn failed' },
      ],
      NOW,
    );
    expect(text).toMatch(/^state:\s+failed since 1m ago \(from output activity\)$/m);
    expect(text).toMatch(/^unread:\s+no$/m);
    expect(text).not.toMatch(/^waiting on:/m);
    expect(text).toMatch(/^exit code:\s+127$/m);
    expect(text).toMatch(/^reason:\s+command not found$/m);
    expect(text).toMatch(/^worktree:\s+\/home\/\.berth\/worktrees\/repo\/fix-tests$/m);
    expect(text).toMatch(/^phases:\s+worktree 12 ms, start 5 ms, first output -$/m);
    expect(text).toMatch(/- -> creating\s+created/);
    expect(text).toMatch(/creating -> failed\s+spawn failed/);
  });

  it("says what a waiting agent waits on, where the state comes from, and that it is unread", () => {
    const attention = { detail: 'Claude needs your permission to use Bash', source: 'hooks' as const, since: NOW - 3_000, unread: true };
    const text = formatStatus(session({ state: 'waiting-approval', attention }), [], NOW);
    expect(text).toMatch(/^state:\s+waiting-approval since 3s ago \(from the agent's hooks\)$/m);
    expect(text).toMatch(/^waiting on:\s+Claude needs your permission to use Bash$/m);
    expect(text).toMatch(/^unread:\s+yes/m);
    expect(formatSessionTable([session({ state: 'waiting-approval', attention })], NOW)).toMatch(/^fix-tests\s+waiting-approval \(unread\)\s+shell/m);
  });
});
