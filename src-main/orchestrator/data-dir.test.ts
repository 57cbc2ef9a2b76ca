/**
 * The data directory is private whatever existed before: a folder left 0755 with 0644 files (an older
 * Berth, a restored backup, a permissive umask) is narrowed at start, and every file Berth writes during
 * a run (the database and its WAL, instance-id, api.json, the lock, the vault) is 0600.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestOrchestrator, tempDir, type TestOrchestrator } from '../testing/fixtures.js';

/** Mode bits of `file` (not following a link). */
const modeOf = (file: string): number => fs.lstatSync(file).mode & 0o777;

/** Every regular file directly in `dir` with its mode, as `name: 0NNN` for readable failures. */
function fileModes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isFile()) out[e.name] = modeOf(path.join(dir, e.name)).toString(8).padStart(4, '0');
  }
  return out;
}

describe('data directory permissions', () => {
  let t: TestOrchestrator | null = null;
  const oldUmask = process.umask();
  afterEach(async () => {
    process.umask(oldUmask);
    await t?.close();
    t = null;
  });

  it('narrows an existing 0755 folder and its 0644 files, and writes new files 0600 under a permissive umask', async () => {
    // A permissive umask is what users have: files are created 0644 unless Berth asks for less.
    process.umask(0o022);
    const dataDir = tempDir('berth-home-');
    fs.chmodSync(dataDir, 0o755);
    // An empty berth.db is a valid empty database and an empty WAL an empty log; api.json is stale.
    const preexisting = ['berth.db', 'berth.db-wal', 'instance-id', 'api.json', 'notes.log'];
    for (const name of preexisting) fs.writeFileSync(path.join(dataDir, name), '', { mode: 0o644 });
    fs.writeFileSync(path.join(dataDir, 'instance-id'), 'c0ffee00-0000-4000-8000-000000000000', { mode: 0o644 });
    fs.mkdirSync(path.join(dataDir, 'worktrees'));
    fs.chmodSync(path.join(dataDir, 'worktrees'), 0o755);
    for (const name of preexisting) expect(modeOf(path.join(dataDir, name)), name).toBe(0o644);

    t = await startTestOrchestrator(dataDir);
    // Writes through the API: the database, its WAL and SHM exist and are in use.
    await t.must('settings.update', { defaultAgent: 'shell' });
    await t.must('credentials.set', { name: 'perm-check', kind: 'custom', source: { type: 'value' }, value: 'x' });

    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(path.join(dataDir, 'worktrees'))).toBe(0o700);
    const modes = fileModes(dataDir);
    for (const name of ['berth.db', 'berth.db-wal', 'berth.db-shm', 'instance-id', 'api.json', 'notes.log']) {
      expect(modes[name], `${name} exists`).toBeDefined();
    }
    const wide = Object.entries(modes).filter(([name, mode]) => mode !== '0600' && !name.endsWith('.key'));
    expect(wide, JSON.stringify(modes)).toEqual([]);
  });

  it('creates a fresh data directory 0700 with every file in it 0600', async () => {
    process.umask(0o022);
    const dataDir = path.join(tempDir('berth-parent-'), 'fresh-home');
    t = await startTestOrchestrator(dataDir);
    await t.must('settings.update', { defaultAgent: 'shell' });
    expect(modeOf(dataDir)).toBe(0o700);
    const modes = fileModes(dataDir);
    expect(modes['berth.db']).toBe('0600');
    const wide = Object.entries(modes).filter(([, mode]) => mode !== '0600');
    expect(wide, JSON.stringify(modes)).toEqual([]);
  });
});
