/**
 * `berth sync` against a real orchestrator and a real Docker engine: a volume-mode session whose copy
 * back failed shows "not synced back" in `list` and `status`, `delete` refuses naming the file,
 * `sync` fails while the cause is there and succeeds once it is gone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { engineAvailable, makeRepo, startTestOrchestrator, waitFor, type TestOrchestrator } from '../testing/fixtures.js';
import { runBerth } from './cli-test-support.js';

const docker = inject('berthDocker');
const available = engineAvailable('docker', docker.ok, docker.ok ? '' : docker.why);

describe.runIf(available)('berth sync (real engine)', () => {
  const d = docker as Extract<typeof docker, { ok: true }>;
  let t: TestOrchestrator;
  const berth = (...args: string[]) => runBerth(args, { home: t.dataDir });

  beforeAll(async () => {
    t = await startTestOrchestrator();
    await t.must('settings.update', { docker: { endpoint: d.endpoint, defaultImage: d.image, pullPolicy: 'Never', caches: [] } });
  });
  afterAll(async () => t?.close());

  it('shows changes not synced back, refuses delete, and syncs once the cause is fixed', async () => {
    const s = await t.must('sessions.create', {
      repoPath: makeRepo(),
      agent: 'custom',
      backend: 'docker',
      name: 'vol-cli',
      command: `sh -c 'echo from-volume > notes.txt; echo wrote-$((5+6)); exec sleep 600'`,
      docker: { volumeMode: 'volume' },
    });
    await waitFor(async () => {
      const r = await t.call('terminal.text', { ref: s.id });
      return r.ok && r.value.text.includes('wrote-11');
    }, 'the agent wrote its file', 30_000);
    const blocker = path.join(s.worktreePath, 'notes.txt');
    fs.mkdirSync(blocker);
    await t.must('sessions.stop', { ref: s.id });

    const list = await berth('list');
    expect(list.stdout).toMatch(/^vol-cli\s+exited \(not synced back\)\s+custom\s+docker\s/m);
    const status = await berth('status', 'vol-cli');
    expect(status.stdout).toMatch(/^not synced:\s+changes not synced back: .*notes\.txt.* \(`berth sync vol-cli` retries\)$/m);

    const failed = await berth('sync', 'vol-cli');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^berth: changes not synced back: .*notes\.txt/);
    const refused = await berth('delete', 'vol-cli');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/not synced back to its worktree \(1 file\(s\): notes\.txt;/);
    expect(refused.stderr).toContain('`berth delete --force vol-cli`');

    fs.rmdirSync(blocker);
    const synced = await berth('sync', 'vol-cli');
    expect(synced.stderr).toBe('');
    expect(synced.code).toBe(0);
    expect(synced.stdout).toMatch(/^synced vol-cli: exited \(exit code \d+\): stopped\n$/);
    expect(fs.readFileSync(blocker, 'utf8')).toBe('from-volume\n');
    await t.must('sessions.delete', { ref: s.id, force: true });
  }, 120_000);
});
