import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SQLITE_BINDING_ENV, electronSqliteBindingPath, orchestratorEnv } from './orchestrator-env.js';

const OUT = path.resolve('/opt/berth/out');

describe('orchestratorEnv', () => {
  it('marks desktop mode and keeps the app environment', () => {
    const env = orchestratorEnv({ PATH: '/usr/bin', BERTH_MODE: 'headless', EMPTY: undefined }, OUT, () => false);
    expect(env).toEqual({ PATH: '/usr/bin', BERTH_MODE: 'desktop' });
  });

  it("points at Electron's better-sqlite3 build only when it exists", () => {
    const expected = path.join(OUT, 'electron-native', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    expect(electronSqliteBindingPath(OUT)).toBe(expected);
    expect(orchestratorEnv({}, OUT, (file) => file === expected)[SQLITE_BINDING_ENV]).toBe(expected);
    // An inherited value is never trusted.
    expect(orchestratorEnv({ [SQLITE_BINDING_ENV]: '/tmp/evil.node' }, OUT, () => false)[SQLITE_BINDING_ENV]).toBeUndefined();
  });
});
