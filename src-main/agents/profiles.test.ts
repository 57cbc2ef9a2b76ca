import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../testing/fixtures.js';
import { splitCommandLine } from './command-line.js';
import { AgentCatalog, CODEX_VIA_PROXY } from './profiles.js';
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
    expect(catalog.launch('claude-code', { prompt, model: 'opus', template: null })).toEqual({ ok: true, value: { command: ['claude', '--model', 'opus', prompt], initialInput: null } });
    expect(catalog.launch('codex', { prompt: '', model: null, template: null })).toEqual({ ok: true, value: { command: ['sh', '-c', CODEX_VIA_PROXY, 'codex'], initialInput: null } });
    expect(catalog.launch('aider', { prompt: 'hi', model: null, template: null })).toEqual({ ok: true, value: { command: ['aider'], initialInput: 'hi\r' } });
    expect(catalog.launch('shell', { prompt: 'ls', model: null, template: null })).toEqual({ ok: true, value: { command: ['/bin/sh', '-i'], initialInput: 'ls\r' } });
    const custom = catalog.launch('custom', { prompt, model: 'm1', template: 'sh -c "echo $0" --model={model} {prompt}' });
    expect(custom).toEqual({ ok: true, value: { command: ['sh', '-c', 'echo $0', '--model=m1', prompt], initialInput: null } });
    expect(catalog.launch('custom', { prompt, model: null, template: null }).ok).toBe(false);
  });
});
