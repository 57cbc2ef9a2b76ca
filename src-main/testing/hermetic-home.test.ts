import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findExecutable, pathDirs } from '../process/find-executable.js';
import { AGENT_CLI_BIN, SYSTEM_PATH_DIRS } from './hermetic-home.js';

describe('the hermetic test PATH', () => {
  it('leaves out the devDependency agent CLIs and /usr/local, and keeps this Node as `node`', () => {
    // The CLIs are installed (devDependencies), so only the PATH can keep them from deciding a test's branch.
    expect(fs.existsSync(path.join(AGENT_CLI_BIN, 'claude'))).toBe(true);
    expect(fs.existsSync(path.join(AGENT_CLI_BIN, 'codex'))).toBe(true);
    expect(findExecutable('claude')).toBeNull();
    expect(findExecutable('codex')).toBeNull();

    const dirs = pathDirs(process.env.PATH);
    expect(dirs.slice(1)).toEqual(SYSTEM_PATH_DIRS);
    expect(fs.readdirSync(dirs[0]!)).toEqual(['node']);
    expect(fs.realpathSync(findExecutable('node')!)).toBe(fs.realpathSync(process.execPath));
  });
});
