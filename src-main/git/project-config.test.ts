import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BerthConfig, berthConfigJsonSchema } from '../../src-shared/berth-config.js';
import { tempDir } from '../testing/fixtures.js';
import { loadProjectConfig } from './project-config.js';

const SCHEMA_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../resources/berth.schema.json');

function repoWith(files: Record<string, string>): string {
  const dir = tempDir('berth-config-');
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('.berth.json and conductor.json', () => {
  it('reads .berth.json with its defaults', async () => {
    const dir = repoWith({ '.berth.json': JSON.stringify({ $schema: './berth.schema.json', setup: 'npm ci', env: { API_URL: 'http://localhost:1' } }) });
    expect(await loadProjectConfig(dir)).toEqual({
      ok: true,
      value: { source: '.berth.json', setup: 'npm ci', teardown: null, waitForSetup: true, env: { API_URL: 'http://localhost:1' }, ports: [], defaults: {}, ready: { count: 0, refreshOn: null } },
    });
  });

  it('refuses an unknown field, a mistyped field, a bad env name and invalid JSON, naming each', async () => {
    const message = async (text: string) => {
      const r = await loadProjectConfig(repoWith({ '.berth.json': text }));
      return r.ok ? null : r.error.message;
    };
    expect(await message('{"setup": "x", "setpu": "y"}')).toMatch(/unknown field "setpu"/);
    expect(await message('{"waitForSetup": "yes"}')).toMatch(/"waitForSetup": .*expected boolean/);
    expect(await message('{"env": {"A": 1}}')).toMatch(/"env\.A": .*expected string/);
    expect(await message('{"env": {"1BAD": "x"}}')).toMatch(/"env\.1BAD"/);
    expect(await message('{"setup": ')).toMatch(/\.berth\.json is not valid JSON/);
    expect(await message('{"ports": "web"}')).toMatch(/"ports": .*expected array/);
    expect(await message('{"defaults": {"agent": "clippy"}}')).toMatch(/"defaults\.agent"/);
    expect(await message('{"defaults": {"branch": "dev"}}')).toMatch(/unknown field "defaults\.branch"/);
  });

  it('reads ports and defaults', async () => {
    const dir = repoWith({ '.berth.json': JSON.stringify({ ports: ['web', 'api'], defaults: { agent: 'codex', backend: 'docker', model: 'o3', baseBranch: 'dev' } }) });
    const r = await loadProjectConfig(dir);
    expect(r.ok && r.value).toMatchObject({ ports: ['web', 'api'], defaults: { agent: 'codex', backend: 'docker', model: 'o3', baseBranch: 'dev' } });
  });

  it('uses stored repository settings when there is no .berth.json: over conductor.json, under .berth.json', async () => {
    const stored = BerthConfig.parse({ setup: 'make deps', ports: ['web'] });
    const none = await loadProjectConfig(repoWith({}), stored);
    expect(none.ok && none.value).toMatchObject({ source: 'repository settings', setup: 'make deps', ports: ['web'], waitForSetup: true });
    const conductor = await loadProjectConfig(repoWith({ 'conductor.json': '{"scripts": {"setup": "pnpm i"}}' }), stored);
    expect(conductor.ok && conductor.value?.setup).toBe('make deps');
    const file = await loadProjectConfig(repoWith({ '.berth.json': '{"setup": "npm ci"}' }), stored);
    expect(file.ok && file.value).toMatchObject({ source: '.berth.json', setup: 'npm ci', ports: [] });
  });

  it("falls back to conductor.json's setup and archive scripts, and .berth.json wins over it", async () => {
    const conductor = JSON.stringify({ scripts: { setup: 'pnpm install', run: 'pnpm dev', archive: 'rm -rf tmp' }, runScriptMode: 'nonconcurrent' });
    expect(await loadProjectConfig(repoWith({ 'conductor.json': conductor }))).toEqual({
      ok: true,
      value: { source: 'conductor.json', setup: 'pnpm install', teardown: 'rm -rf tmp', waitForSetup: true, env: {}, ports: [], defaults: {}, ready: { count: 0, refreshOn: null } },
    });
    const both = await loadProjectConfig(repoWith({ 'conductor.json': conductor, '.berth.json': '{"setup": "make"}' }));
    expect(both.ok && both.value?.setup).toBe('make');
    expect(await loadProjectConfig(repoWith({}))).toEqual({ ok: true, value: null });
  });

  it('resources/berth.schema.json is the zod schema as JSON Schema (BERTH_UPDATE_SCHEMA=1 rewrites it)', () => {
    const generated = `${JSON.stringify(berthConfigJsonSchema(), null, 2)}\n`;
    if (process.env.BERTH_UPDATE_SCHEMA === '1') fs.writeFileSync(SCHEMA_FILE, generated);
    expect(fs.readFileSync(SCHEMA_FILE, 'utf8')).toBe(generated);
  });
});
