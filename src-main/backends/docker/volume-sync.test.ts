/**
 * Volume mode never loses work (real engine): when the copy back to the worktree fails, the session
 * keeps its volume and says "changes not synced back", delete and restart refuse naming the files,
 * and `sessions.sync` copies them once the cause is fixed, even with the session's container gone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SessionDto } from '../../../src-shared/dto.js';
import { dockerClient } from '../../testing/docker-engine.js';
import { engineAvailable, makeRepo, startTestOrchestrator, waitFor, type TestOrchestrator } from '../../testing/fixtures.js';
import { workspaceVolumeName } from './workspace-volume.js';

const docker = inject('berthDocker');
const available = engineAvailable('docker', docker.ok, docker.ok ? '' : docker.why);

/** The agent writes a file and a file in a new folder, then waits. */
const AGENT = `sh -c 'echo from-volume > report.txt; mkdir -p sub; echo deep > sub/deep.txt; echo wrote-$((3+4)); exec sleep 600'`;

describe.runIf(available)('volume mode: a failed sync back keeps the changes (real engine)', () => {
  const d = docker as Extract<typeof docker, { ok: true }>;
  let t: TestOrchestrator;
  let repo: string;

  beforeAll(async () => {
    t = await startTestOrchestrator();
    await t.must('settings.update', { docker: { endpoint: d.endpoint, defaultImage: d.image, pullPolicy: 'Never', caches: [] } });
    repo = makeRepo();
  });
  afterAll(async () => t?.close());

  const get = (ref: string) => t.must('sessions.get', { ref });
  const volumeExists = async (s: SessionDto) =>
    (await dockerClient(d.endpoint)).getVolume(workspaceVolumeName(s.id)).inspect().then(() => true, () => false);

  /** A volume-mode session whose agent has written its files into the volume (not yet in the worktree). */
  async function sessionWithChanges(name: string): Promise<SessionDto> {
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'docker', name, command: AGENT, docker: { volumeMode: 'volume' } });
    await waitFor(async () => {
      const r = await t.call('terminal.text', { ref: s.id });
      return r.ok && r.value.text.includes('wrote-7');
    }, `${name} wrote its files`, 30_000);
    expect(fs.existsSync(path.join(s.worktreePath, 'report.txt'))).toBe(false);
    // Something root can't write over either: a folder where the agent made a file.
    fs.mkdirSync(path.join(s.worktreePath, 'report.txt'));
    return s;
  }

  it('keeps the volume, says so, refuses delete and restart naming the files, and a sync succeeds once the cause is gone', async () => {
    const s = await sessionWithChanges('unsynced');
    const stopped = await t.must('sessions.stop', { ref: s.id });
    expect(stopped.state).toBe('exited');
    expect(stopped.unsynced).toMatch(/report\.txt/);
    expect(await volumeExists(s)).toBe(true);

    const del = await t.call('sessions.delete', { ref: s.id });
    expect(del.ok).toBe(false);
    if (!del.ok) {
      expect(del.error.code).toBe('worktree_dirty');
      expect(del.error.message).toMatch(/not synced back/);
      expect(del.error.message).toContain('report.txt');
    }
    expect(await volumeExists(s)).toBe(true);
    const restart = await t.call('sessions.restart', { ref: s.id });
    expect(!restart.ok && restart.error.message).toMatch(/not synced back/);

    // Still failing: the session says so, with the reason.
    const again = await t.call('sessions.sync', { ref: s.id });
    expect(!again.ok && again.error.message).toMatch(/not synced back.*report\.txt/);
    expect((await get(s.id)).unsynced).toMatch(/report\.txt/);

    // The cause goes, and so does the session's container: the sync reads the volume on its own.
    fs.rmdirSync(path.join(s.worktreePath, 'report.txt'));
    const engine = await dockerClient(d.endpoint);
    await engine.getContainer(stopped.docker!.containerId!).remove({ force: true });
    const synced = await t.must('sessions.sync', { ref: s.id });
    expect(synced.unsynced).toBeNull();
    expect(fs.readFileSync(path.join(s.worktreePath, 'report.txt'), 'utf8')).toBe('from-volume\n');
    expect(fs.readFileSync(path.join(s.worktreePath, 'sub', 'deep.txt'), 'utf8')).toBe('deep\n');
    expect((await engine.listContainers({ all: true, filters: { label: [`berth.session=${s.id}`] } })).length).toBe(0);

    // The changes are in the worktree now: delete's usual check names them, and force deletes.
    const dirty = await t.call('sessions.delete', { ref: s.id });
    expect(!dirty.ok && dirty.error.message).toMatch(/uncommitted change/);
    expect(!dirty.ok && dirty.error.message).not.toMatch(/not synced back/);
    await t.must('sessions.delete', { ref: s.id, force: true });
    expect(await volumeExists(s)).toBe(false);
  }, 120_000);

  it('a delete that stops a running session keeps everything when the sync back fails', async () => {
    const s = await sessionWithChanges('delete-running');
    const del = await t.call('sessions.delete', { ref: s.id });
    expect(!del.ok && del.error.code).toBe('worktree_dirty');
    expect(!del.ok && del.error.message).toMatch(/could not be synced back/);
    const after = await get(s.id);
    expect(after.state).toBe('exited');
    expect(after.unsynced).toMatch(/report\.txt/);
    expect(await volumeExists(s)).toBe(true);
    expect(fs.existsSync(s.worktreePath)).toBe(true);
    await t.must('sessions.delete', { ref: s.id, force: true });
    expect(await volumeExists(s)).toBe(false);
  }, 120_000);
});
