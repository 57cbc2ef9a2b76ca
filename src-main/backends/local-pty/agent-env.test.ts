/**
 * What a local agent inherits, seen from inside a real local session: the orchestrator's environment
 * minus Berth's own variables. BERTH_HOME and friends point at Berth's data directory (database, vault,
 * the API token in api.json); an agent that inherits them is steered at Berth's own files. The variables
 * Berth gives a session on purpose (BERTH_SESSION_ID) are there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, startTestOrchestrator, tempDir, waitFor, type TestOrchestrator } from '../../testing/fixtures.js';

/** Printed by the session after its environment. */
const DONE = 'ENV-LISTED';

describe('local agent environment', () => {
  let t: TestOrchestrator;
  const dataDir = tempDir('berth-home-');
  beforeAll(async () => {
    t = await startTestOrchestrator(dataDir, {
      ...process.env,
      BERTH_HOME: dataDir,
      BERTH_PORT: '7717',
      BERTH_MODE: 'headless',
      BERTH_SQLITE_NATIVE_BINDING: '/opt/berth/better_sqlite3.node',
      BERTH_LOG_LEVEL: 'debug',
      USER_OWN_VARIABLE: 'kept',
    });
  });
  afterAll(async () => t?.close());

  it("drops BERTH_HOME and Berth's other internals, keeps the user's variables and BERTH_SESSION_ID", async () => {
    const repo = makeRepo();
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'local', command: `sh -c "env; echo ${DONE}; exec sleep 60"` });
    const text = await waitFor(async () => {
      const r = await t.call('terminal.text', { ref: s.id });
      return r.ok && r.value.text.includes(DONE) ? r.value.text : null;
    }, 'the session to list its environment', 30_000);
    const lines = text.split(/\r?\n/).map((l) => l.trim());
    const berthVariables = lines.filter((l) => /^BERTH_[A-Z_]*=/.test(l));
    // The session's id and what its agent's hooks need to report its state (a per-session hook token).
    expect(berthVariables.map((l) => l.split('=')[0]).sort()).toEqual(['BERTH_HOOK_PROGRAM', 'BERTH_HOOK_TOKEN', 'BERTH_HOOK_URL', 'BERTH_SESSION_ID']);
    expect(berthVariables).toContain(`BERTH_SESSION_ID=${s.id}`);
    expect(lines).toContain('USER_OWN_VARIABLE=kept');
    // Inside the data directory only the session's own worktree, the proxy's public CA certificates and
    // the hook program are named (all on purpose).
    const onPurpose = (l: string) =>
      l.includes(`=${dataDir}/worktrees/`) || /=.*\/proxy-ca\/ca-(cert|bundle)\.pem$/.test(l) || l === `BERTH_HOOK_PROGRAM=${dataDir}/hooks/berth-hook`;
    const intoDataDir = lines.filter((l) => l.includes(dataDir) && !onPurpose(l));
    expect(intoDataDir, intoDataDir.join('\n')).toEqual([]);
    await t.must('sessions.stop', { ref: s.id });
  });
});
