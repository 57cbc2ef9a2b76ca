/**
 * Hooks from inside a Docker session: the hook program is mounted into the container and reaches the
 * proxy's hook route through the session's relay (busybox image: wget is the only poster), so a hook
 * event fired in the container sets the session's state, with its question, source 'hooks'.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { engineAvailable, makeRepo, startTestOrchestrator, waitFor, type TestOrchestrator } from '../testing/fixtures.js';
import { CONTAINER_HOOK_PROGRAM } from './hook-program.js';

const docker = inject('berthDocker');
const dockerReady = engineAvailable('docker', docker.ok, docker.ok ? '' : docker.why);
const QUESTION = 'Claude needs your permission to use Bash';

describe.runIf(dockerReady)('hooks in a Docker session', () => {
  let t: TestOrchestrator;
  let repo: string;

  beforeAll(async () => {
    const d = docker as Extract<typeof docker, { ok: true }>;
    t = await startTestOrchestrator();
    await t.must('settings.update', { docker: { endpoint: d.endpoint, defaultImage: d.image, pullPolicy: 'Never', caches: [] } });
    repo = makeRepo();
    const event = JSON.stringify({ hook_event_name: 'Notification', message: QUESTION });
    // What Claude Code does on a permission prompt: runs the hook command with the event on stdin. After
    // a pause: a report while the session is still 'creating' is dropped (SessionService.reportAgentState).
    const script = `sleep 2; echo "program=$BERTH_HOOK_PROGRAM"; printf '%s' '${event}' | sh "$BERTH_HOOK_PROGRAM"; echo "HOOK-DONE rc=$?"; exec sleep 60`;
    fs.writeFileSync(path.join(repo, 'hook-agent.sh'), script);
    execFileSync('git', ['-C', repo, 'add', 'hook-agent.sh']);
    execFileSync('git', ['-C', repo, '-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'hook agent']);
  });
  afterAll(async () => t?.close());

  it('a hook fired in the container makes the session waiting-approval with the question', async () => {
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'docker', command: 'sh hook-agent.sh' });
    try {
      await waitFor(async () => {
        const now = await t.must('sessions.get', { ref: s.id });
        return now.state === 'waiting-approval' && now.attention.source === 'hooks' && now.attention.detail === QUESTION;
      }, 'waiting-approval from the container', 60_000).catch(async (e: Error) => {
        const text = await t.call('terminal.text', { ref: s.id });
        const now = await t.call('sessions.get', { ref: s.id });
        throw new Error(`${e.message}; session ${JSON.stringify(now)}; the terminal shows:\n${text.ok ? text.value.text : ''}`);
      });
      // The program returns (exit 0) after its post; the state may show before it has.
      const text = await waitFor(async () => {
        const r = await t.must('terminal.text', { ref: s.id });
        return r.text.includes('HOOK-DONE') ? r.text : null;
      }, 'the hook program to return');
      expect(text).toContain(`program=${CONTAINER_HOOK_PROGRAM}`);
      expect(text).toContain('HOOK-DONE rc=0');
    } finally {
      await t.must('sessions.delete', { ref: s.id, force: true });
    }
  }, 120_000);
});
