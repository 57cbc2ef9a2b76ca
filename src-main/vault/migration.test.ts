/**
 * Format-1 vault files, as the previous vault code wrote them (src-main/testing/vault-v1), opened by
 * today's: values intact, the file upgraded with a wrapping per protector available, the old file kept
 * as a backup; and left untouched, locked, when the key it was written with is not here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Result } from '../../src-shared/result.js';
import { pathWithoutSecretTool, installFakeSecretTool } from '../testing/fake-secret-tool.js';
import { tempDir } from '../testing/fixtures.js';
import { VAULT_KEY_FILE } from './key-file-protector.js';
import { createVaultProtectors } from './protectors.js';
import { SECRET_SERVICE_ATTRIBUTES } from './secret-service.js';
import { VAULT_FILE, Vault } from './vault.js';

/** The format-1 fixtures. */
const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../testing/vault-v1');
/** What every fixture stores (see its README). */
const TYPED_VALUE = 'sk-ant-v1-fixture-0123456789abcdef';
const ENV_VARIABLE = 'BERTH_V1_FIXTURE_GH';
const COMMAND_VALUE = 'v1-fixture-command-value';

function must<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

/** Copies a fixture's files into a fresh data dir, 0600 like Berth wrote them (git keeps no modes). */
function dataDirFrom(fixture: string, files: string[]): string {
  const dir = tempDir('berth-v1-');
  for (const name of files) {
    fs.copyFileSync(path.join(FIXTURES, fixture, name), path.join(dir, name));
    fs.chmodSync(path.join(dir, name), 0o600);
  }
  return dir;
}

const opened: Vault[] = [];
afterEach(() => {
  for (const vault of opened.splice(0)) vault.dispose();
});

async function open(dir: string, env: NodeJS.ProcessEnv): Promise<Vault> {
  const vault = await Vault.open({ file: path.join(dir, VAULT_FILE), env: { [ENV_VARIABLE]: 'gh-from-env-0123456789' }, protectors: createVaultProtectors({ dir, env }) });
  opened.push(vault);
  return vault;
}

async function expectFixtureValues(vault: Vault): Promise<void> {
  expect(vault.locked).toBeNull();
  expect(vault.list().map((c) => [c.name, c.source.type])).toEqual([
    ['anthropic', 'value'],
    ['gh', 'env'],
    ['tool', 'command'],
  ]);
  expect(must(await vault.resolve('anthropic'))).toBe(TYPED_VALUE);
  expect(must(await vault.resolve('gh'))).toBe('gh-from-env-0123456789');
  expect(must(await vault.resolve('tool'))).toBe(COMMAND_VALUE);
}

function backups(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => n.startsWith(`${VAULT_FILE}.format1-`) && n.endsWith('.bak'));
}

describe('vault migration from format 1', () => {
  it('opens a headless key-file vault, upgrades it with a key-file wrapping and keeps the old file', async () => {
    const dir = dataDirFrom('headless-key-file', [VAULT_FILE, VAULT_KEY_FILE]);
    const original = fs.readFileSync(path.join(dir, VAULT_FILE));
    const keyFile = fs.readFileSync(path.join(dir, VAULT_KEY_FILE));
    const env = { PATH: pathWithoutSecretTool(dir) };

    const vault = await open(dir, env);
    await expectFixtureValues(vault);
    const upgraded = JSON.parse(fs.readFileSync(path.join(dir, VAULT_FILE), 'utf8'));
    expect(upgraded.version).toBe(2);
    expect(upgraded.keys.map((k: { protector: string }) => k.protector)).toEqual(['key-file']);
    expect(JSON.stringify(upgraded)).not.toContain(TYPED_VALUE);
    const [backup] = backups(dir);
    expect(backup).toBeDefined();
    expect(fs.readFileSync(path.join(dir, backup!)).equals(original)).toBe(true);
    expect(fs.statSync(path.join(dir, backup!)).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(dir, VAULT_KEY_FILE)).equals(keyFile)).toBe(true);
    vault.dispose();

    // Opened again: no second migration, same values.
    const again = await open(dir, env);
    await expectFixtureValues(again);
    expect(backups(dir)).toHaveLength(1);
  });

  it('opens a headless secret-service vault with the key the secret service kept', async () => {
    const dir = dataDirFrom('headless-secret-service', [VAULT_FILE]);
    const fake = installFakeSecretTool(tempDir());
    const { spawnSync } = await import('node:child_process');
    const env = { PATH: pathWithoutSecretTool(dir, fake.binDir), ...fake.env };
    const stored = spawnSync('secret-tool', ['store', '--label=Berth credential vault key', ...SECRET_SERVICE_ATTRIBUTES], {
      input: fs.readFileSync(path.join(FIXTURES, 'headless-secret-service', 'secret-service-item'), 'utf8'),
      env,
    });
    expect(stored.status).toBe(0);

    const vault = await open(dir, env);
    await expectFixtureValues(vault);
    const upgraded = JSON.parse(fs.readFileSync(path.join(dir, VAULT_FILE), 'utf8'));
    expect(upgraded.keys.map((k: { protector: string }) => k.protector)).toEqual(['secret-service']);
    expect(fs.existsSync(path.join(dir, VAULT_KEY_FILE))).toBe(false);
    expect(backups(dir)).toHaveLength(1);
  });

  it('stays locked and leaves the file as it is when the key it was written with is not here', async () => {
    const dir = dataDirFrom('desktop-safe-storage', [VAULT_FILE]);
    const original = fs.readFileSync(path.join(dir, VAULT_FILE));
    const vault = await open(dir, { PATH: pathWithoutSecretTool(dir) });
    expect(vault.locked?.reason).toMatch(/earlier Berth \(format 1\).*not available here/);
    expect(vault.locked?.fix).toMatch(/Open it once where it was last used/);
    expect(vault.list().map((c) => c.name)).toEqual(['anthropic', 'gh', 'tool']);
    expect(await vault.resolve('anthropic')).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
    expect(await vault.set({ name: 'x', kind: 'custom', source: { type: 'value' }, value: 'some-value-12345' })).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
    await vault.flush();
    expect(fs.readFileSync(path.join(dir, VAULT_FILE)).equals(original)).toBe(true);
    expect(backups(dir)).toHaveLength(0);
  });
});
