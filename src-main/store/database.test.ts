import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../testing/fixtures.js';
import { openDatabase } from './database.js';
import { migrations } from './migrations.js';
import { SettingsRepo } from './misc-repos.js';

describe('store', () => {
  it('opens with WAL, foreign keys, busy_timeout, synchronous=FULL and migrates to the latest version', async () => {
    const file = path.join(tempDir(), 'berth.db');
    const db = await openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    db.close();
    // Re-opening is a no-op migration.
    const again = await openDatabase(file);
    expect(again.pragma('user_version', { simple: true })).toBe(migrations.length);
    again.close();
  });

  it('refuses a database from a newer Berth instead of corrupting it', async () => {
    const file = path.join(tempDir(), 'berth.db');
    const raw = new Database(file);
    raw.pragma(`user_version = ${migrations.length + 5}`);
    raw.close();
    await expect(openDatabase(file)).rejects.toThrow(/newer than this Berth/);
  });

  it('settings fall back to defaults for missing or corrupt values and validate updates', async () => {
    const db = await openDatabase(path.join(tempDir(), 'berth.db'));
    const settings = new SettingsRepo(db);
    expect(settings.get()).toMatchObject({ defaultAgent: 'shell', defaultBackend: 'local' });
    expect(settings.get().docker.pullPolicy).toBe('IfNotPresent');
    db.prepare("INSERT INTO settings (key, value) VALUES ('defaultAgent', '\"robot\"')").run();
    expect(settings.get().defaultAgent).toBe('shell');
    expect(settings.update({ defaultAgent: 'codex' }).defaultAgent).toBe('codex');
    // Docker settings merge field by field.
    const updated = settings.update({ docker: { warmPoolSize: 2 } });
    expect(updated.docker.warmPoolSize).toBe(2);
    expect(updated.docker.defaultImage).toBe('berth-agent:latest');
    settings.update({ docker: { pullPolicy: 'Never' } });
    expect(settings.get().docker).toMatchObject({ warmPoolSize: 2, pullPolicy: 'Never' });
    db.close();
  });
});
