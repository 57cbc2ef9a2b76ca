/**
 * A whole SessionDto for tests and benches that put sessions in the store or hand them to a service
 * directly: every field at a plain default, `overrides` on top. One place to add a field to when the
 * DTO grows.
 */
import type { SessionDto } from '../../src-shared/dto.js';

export function sessionFixture(id: string, overrides: Partial<SessionDto> = {}): SessionDto {
  const at = overrides.createdAt ?? Date.now();
  return {
    id,
    name: id,
    repoPath: '/repo',
    worktreePath: `/repo/.worktrees/${id}`,
    branch: `berth/${id}`,
    baseBranch: 'main',
    agent: 'shell',
    backend: 'local',
    prompt: '',
    model: null,
    command: ['sh'],
    state: 'creating',
    exitCode: null,
    reason: null,
    unsynced: null,
    conversationId: null,
    archived: false,
    createdAt: at,
    updatedAt: at,
    cols: 80,
    rows: 24,
    pid: null,
    phases: { worktreeMs: null, startMs: null, firstOutputMs: null },
    docker: null,
    stats: null,
    ports: [],
    git: null,
    attention: { detail: null, source: 'activity', since: 0, unread: false },
    ...overrides,
  };
}
