import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../testing/fixtures.js';
import { splitCommandLine } from './command-line.js';
import { HOOK_PROGRAM_ENV } from '../attention/hook-program.js';
import { AgentCatalog, CLAUDE_HOOK_SETTINGS, CLAUDE_KEY_SETTINGS, CLAUDE_RESUME, CLAUDE_START, CLAUDE_TOKEN_ENV, CODEX_VIA_PROXY } from './profiles.js';
import { slugify } from '../sessions/naming.js';

describe('splitCommandLine', () => {
  it('tokenizes like a shell, without running one', () => {
    expect(splitCommandLine(`agent --model {model} "{prompt}" 'a b' c\\ d`)).toEqual({ ok: true, value: ['agent', '--model', '{model}', '{prompt}', 'a b', 'c d'] });
    expect(splitCommandLine(`echo "$HOME; rm -rf /"`)).toEqual({ ok: true, value: ['echo', '$HOME; rm -rf /'] });
    expect(splitCommandLine(`x ""`)).toEqual({ ok: true, value: ['x', ''] });
    expect(splitCommandLine(`x "open`).ok).toBe(false);
  });
});

describe('slugify', () => {
  it('makes branch-safe names from prompts', () => {
    expect(slugify('Fix the login bug!', 'shell')).toBe('fix-the-login-bug');
    expect(slugify('  ', 'codex')).toBe('codex');
    expect(slugify('Ünïcödé ünd ëmojis 😀 please', 'x')).toBe('unicode-und-emojis-please');
    expect(slugify('a'.repeat(100), 'x').length).toBeLessThanOrEqual(40);
  });
});

describe('AgentCatalog', () => {
  function pathWith(...names: string[]): string {
    const dir = tempDir('berth-bin-');
    for (const n of names) {
      const file = path.join(dir, n);
      fs.writeFileSync(file, '#!/bin/sh\n');
      fs.chmodSync(file, 0o755);
    }
    return dir;
  }

  it('marks agents available by their CLI on PATH, with an install hint otherwise', () => {
    const dir = pathWith('claude');
    const catalog = new AgentCatalog({ PATH: `${dir}:/usr/bin:/bin`, SHELL: '/bin/sh' });
    const byId = Object.fromEntries(catalog.list().map((a) => [a.id, a]));
    expect(byId['claude-code']!.available).toBe(true);
    expect(byId.codex!.available).toBe(false);
    expect(byId.codex!.reason).toContain('npm install -g @openai/codex');
    expect(byId.shell!.available).toBe(true);
  });

  it('passes prompt and model as single arguments, never through a shell', () => {
    const dir = pathWith('claude', 'codex', 'gemini', 'aider');
    const catalog = new AgentCatalog({ PATH: `${dir}:/usr/bin:/bin`, SHELL: '/bin/sh' });
    const prompt = 'fix it; rm -rf / "now"';
    expect(catalog.launch('claude-code', { prompt, model: 'opus', template: null })).toEqual({ ok: true, value: { command: ['sh', '-c', CLAUDE_START, 'claude', '--model', 'opus', prompt], initialInput: null } });
    expect(catalog.launch('codex', { prompt: '', model: null, template: null })).toEqual({ ok: true, value: { command: ['sh', '-c', CODEX_VIA_PROXY, 'codex'], initialInput: null } });
    expect(catalog.launch('aider', { prompt: 'hi', model: null, template: null })).toEqual({ ok: true, value: { command: ['aider'], initialInput: 'hi\r' } });
    expect(catalog.launch('shell', { prompt: 'ls', model: null, template: null })).toEqual({ ok: true, value: { command: ['/bin/sh', '-i'], initialInput: 'ls\r' } });
    const custom = catalog.launch('custom', { prompt, model: 'm1', template: 'sh -c "echo $0" --model={model} {prompt}' });
    expect(custom).toEqual({ ok: true, value: { command: ['sh', '-c', 'echo $0', '--model=m1', prompt], initialInput: null } });
    expect(catalog.launch('custom', { prompt, model: null, template: null }).ok).toBe(false);
  });
  it('names the conversation of agents that resume: Claude Code starts with --session-id, a restart resumes without the prompt', () => {
    const dir = pathWith('claude', 'codex', 'gemini', 'aider');
    const catalog = new AgentCatalog({ PATH: `${dir}:/usr/bin:/bin`, SHELL: '/bin/sh' });
    expect(['shell', 'claude-code', 'codex', 'gemini', 'aider', 'custom'].filter((a) => catalog.resumes(a as never))).toEqual(['claude-code', 'gemini']);
    const id = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
    const start = catalog.launch('claude-code', { prompt: 'fix it', model: 'opus', template: null, conversation: { id, resume: false } });
    expect(start).toEqual({ ok: true, value: { command: ['sh', '-c', CLAUDE_START, 'claude', '--session-id', id, '--model', 'opus', 'fix it'], initialInput: null } });
    const resume = catalog.launch('claude-code', { prompt: 'fix it', model: 'opus', template: null, conversation: { id, resume: true } });
    expect(resume).toEqual({ ok: true, value: { command: ['sh', '-c', CLAUDE_RESUME, 'claude', id, 'fix it', '--model', 'opus'], initialInput: null } });
    expect(catalog.launch('gemini', { prompt: 'hi', model: null, template: null, conversation: { id, resume: true } })).toEqual({ ok: true, value: { command: ['gemini', '--resume', id], initialInput: null } });
  });

  it("the Claude resume script resumes a saved conversation, and starts one with the same id and the prompt when there is none", () => {
    const home = tempDir('berth-claude-home-');
    const bin = tempDir('berth-bin-');
    // A stand-in claude that prints its argv, one per line.
    fs.writeFileSync(path.join(bin, 'claude'), '#!/bin/sh\nfor a in "$@"; do echo "[$a]"; done\n');
    fs.chmodSync(path.join(bin, 'claude'), 0o755);
    const id = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
    const run = () => execFileSync('sh', ['-c', CLAUDE_RESUME, 'claude', id, 'fix it; now', '--model', 'opus'], { env: { PATH: `${bin}:/usr/bin:/bin`, HOME: home }, encoding: 'utf8' });
    expect(run()).toBe(`[--session-id]\n[${id}]\n[--model]\n[opus]\n[fix it; now]\n`);
    fs.mkdirSync(path.join(home, '.claude/projects/-tmp-x'), { recursive: true });
    fs.writeFileSync(path.join(home, `.claude/projects/-tmp-x/${id}.jsonl`), '{}\n');
    expect(run()).toBe(`[--resume]\n[${id}]\n[--model]\n[opus]\n`);
  });

  it("Claude Code gets the session's Anthropic stand-in through apiKeyHelper, not ANTHROPIC_API_KEY", () => {
    const catalog = new AgentCatalog({ PATH: '/usr/bin:/bin' });
    const env = { ANTHROPIC_BASE_URL: 'http://127.0.0.1:1/anthropic', ANTHROPIC_API_KEY: 'berth_standin', OPENAI_API_KEY: 'berth_standin' };
    expect(catalog.agentEnv('claude-code', env)).toEqual({
      env: { ANTHROPIC_BASE_URL: 'http://127.0.0.1:1/anthropic', [CLAUDE_TOKEN_ENV]: 'berth_standin', OPENAI_API_KEY: 'berth_standin' },
      remove: ['ANTHROPIC_API_KEY'],
    });
    // Other agents and tools read ANTHROPIC_API_KEY (aider, the SDKs, custom commands): theirs stays.
    for (const agent of ['aider', 'custom', 'shell', 'codex', 'gemini'] as const) expect(catalog.agentEnv(agent, env)).toEqual({ env, remove: [] });
    // No Anthropic credential in Berth: nothing to hand over.
    expect(catalog.agentEnv('claude-code', { PORT: '3000' })).toEqual({ env: { PORT: '3000' }, remove: [] });
  });

  it.each(['sh', 'dash', 'busybox sh'])('the Claude wrappers pass the key settings only with a stand-in, and the helper prints it (%s)', (shell) => {
    const [exe, ...pre] = shell.split(' ') as [string, ...string[]];
    const bin = tempDir('berth-bin-');
    // A stand-in claude that prints its argv and whether it got ANTHROPIC_API_KEY.
    fs.writeFileSync(path.join(bin, 'claude'), '#!/bin/sh\nfor a in "$@"; do echo "[$a]"; done\necho "key=${ANTHROPIC_API_KEY-unset}"\n');
    fs.chmodSync(path.join(bin, 'claude'), 0o755);
    const id = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
    const base = { PATH: `${bin}:/usr/bin:/bin`, HOME: tempDir('berth-claude-home-') };
    const run = (script: string, args: string[], env: Record<string, string>) => execFileSync(exe, [...pre, '-c', script, 'claude', ...args], { env: { ...base, ...env }, encoding: 'utf8' });
    const token = `berth_${'a'.repeat(32)}`;
    const keyed = { [CLAUDE_TOKEN_ENV]: token, ANTHROPIC_API_KEY: 'from-the-image' };
    expect(run(CLAUDE_START, ['--session-id', id, 'fix it'], keyed)).toBe(`[--settings]\n[${CLAUDE_KEY_SETTINGS}]\n[--session-id]\n[${id}]\n[fix it]\nkey=unset\n`);
    expect(run(CLAUDE_RESUME, [id, 'fix it', '--model', 'opus'], keyed)).toBe(`[--session-id]\n[${id}]\n[--settings]\n[${CLAUDE_KEY_SETTINGS}]\n[--model]\n[opus]\n[fix it]\nkey=unset\n`);
    expect(run(CLAUDE_START, ['fix it'], {})).toBe('[fix it]\nkey=unset\n');
    // No key from Berth but a hook program: the hooks alone.
    expect(run(CLAUDE_START, ['fix it'], { [HOOK_PROGRAM_ENV]: '/x/berth-hook' })).toBe(`[--settings]\n[${CLAUDE_HOOK_SETTINGS}]\n[fix it]\nkey=unset\n`);
    // Claude Code runs apiKeyHelper with a shell, in its own environment: the stand-in, exactly.
    const helper = (JSON.parse(CLAUDE_KEY_SETTINGS) as { apiKeyHelper: string }).apiKeyHelper;
    expect(execFileSync(exe, [...pre, '-c', helper], { env: { ...base, [CLAUDE_TOKEN_ENV]: token }, encoding: 'utf8' })).toBe(token);
    expect(helper).not.toContain(token);
  });

  it('the Claude settings run the session\'s hook program on every attention event, and a harmless no-op without one', () => {
    type Hooks = Record<string, { matcher?: string; hooks: { type: string; command: string }[] }[]>;
    for (const settings of [CLAUDE_KEY_SETTINGS, CLAUDE_HOOK_SETTINGS]) {
      const hooks = (JSON.parse(settings) as { hooks: Hooks }).hooks;
      expect(Object.keys(hooks).sort()).toEqual(['Notification', 'PreToolUse', 'SessionEnd', 'SessionStart', 'Stop', 'UserPromptSubmit']);
      expect(hooks.PreToolUse![0]!.matcher).toBe('*');
      for (const [entry] of Object.values(hooks)) expect(entry!.hooks).toEqual([expect.objectContaining({ type: 'command', command: `sh "\${${HOOK_PROGRAM_ENV}:-/dev/null}"` })]);
      expect(settings).not.toContain("'");
    }
    const command = (JSON.parse(CLAUDE_HOOK_SETTINGS) as { hooks: Hooks }).hooks.Stop![0]!.hooks[0]!.command;
    expect(execFileSync('sh', ['-c', command], { input: '{}', env: { PATH: '/usr/bin:/bin' }, encoding: 'utf8' })).toBe('');
  });
});
