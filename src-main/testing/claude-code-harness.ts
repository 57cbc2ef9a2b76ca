/**
 * A test orchestrator set up to run the real Claude Code CLI (1.0.128, a devDependency) as the
 * claude-code agent: a hermetic HOME whose `~/.claude.json` has onboarding done and the session's
 * worktree trusted (known ahead from the session's name), the CLI's own traffic switched off, an
 * Anthropic credential in the vault, the proxy's anthropic provider pointed at a fake provider on
 * loopback, and every other host denied at the proxy.
 */
import fs from 'node:fs';
import path from 'node:path';
import { repoWorktreesDir } from '../sessions/naming.js';
import { FakeProvider } from './fake-provider.js';
import { AGENT_CLI_BIN, hermeticPath, makeHermeticHome } from './hermetic-home.js';
import { makeRepo, startTestOrchestrator, tempDir, type TestOrchestrator } from './fixtures.js';

export interface ClaudeCodeHarness {
  t: TestOrchestrator;
  fake: FakeProvider;
  repo: string;
  home: string;
  dataDir: string;
  close(): Promise<void>;
}

export interface ClaudeCodeHarnessOptions {
  /** The name the test's session will have (its worktree is trusted in ~/.claude.json ahead of time). */
  sessionName: string;
  /** The real key stored in Berth's vault. */
  apiKey: string;
  /** The user's own `~/.claude/settings.json`, if any. */
  userSettings?: string;
}

export async function startClaudeCodeHarness(opts: ClaudeCodeHarnessOptions): Promise<ClaudeCodeHarness> {
  const dataDir = tempDir('berth-home-');
  const home = makeHermeticHome();
  const fake = await FakeProvider.start();
  const repo = makeRepo();
  const worktree = path.join(repoWorktreesDir(dataDir, repo), opts.sessionName);
  const project = { allowedTools: [], hasTrustDialogAccepted: true };
  fs.writeFileSync(path.join(home, '.claude.json'), JSON.stringify({ hasCompletedOnboarding: true, projects: { [worktree]: project } }));
  if (opts.userSettings !== undefined) {
    fs.mkdirSync(path.join(home, '.claude'), { recursive: true });
    fs.writeFileSync(path.join(home, '.claude/settings.json'), opts.userSettings);
  }
  const env = {
    ...process.env,
    HOME: home,
    PATH: `${AGENT_CLI_BIN}${path.delimiter}${hermeticPath(home)}`,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
  };
  const t = await startTestOrchestrator(dataDir, env);
  await t.must('credentials.set', { name: 'anthropic', kind: 'anthropic-api-key', source: { type: 'value' }, value: opts.apiKey });
  await t.must('providers.set', { id: 'anthropic', upstream: fake.url, allowPrivate: true });
  // Only loopback: whatever else the CLI tries (telemetry, updates) is denied at the proxy.
  const egress = (await t.must('settings.get', {})).proxy.egress;
  await t.must('settings.update', { proxy: { egress: { ...egress, defaultDecision: 'deny', hosts: [{ host: '127.0.0.1', decision: 'allow', sessionId: null }] } } });
  return {
    t,
    fake,
    repo,
    home,
    dataDir,
    async close() {
      await fake.close();
      await t.close();
    },
  };
}
