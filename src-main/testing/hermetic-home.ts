/**
 * A fresh HOME and a fixed PATH for tests and the processes they start: the developer's dotfiles and
 * whatever the machine has installed must not decide a test's outcome. (Seen here: a ~/.bashrc running
 * `pyenv init` took seconds under load, so shell sessions printed nothing within the test's wait; and
 * the devDependency CLIs `claude` and `codex` on node_modules/.bin, which `npm test` puts on PATH, made
 * tests take their "agent installed" branch on one machine and the other branch on the next.)
 *
 * The PATH rule: a folder holding only `node` (this very Node), then the system folders below. Never
 * node_modules/.bin, /usr/local/bin or ~/.local/bin. A test that needs an agent CLI puts
 * AGENT_CLI_BIN on the PATH it gives that process, explicitly.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function makeHermeticHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-test-home-'));
  fs.writeFileSync(path.join(home, '.gitconfig'), '[user]\n\tname = Berth Test\n\temail = test@berth.invalid\n[init]\n\tdefaultBranch = main\n');
  return home;
}

/** The system folders on every test's PATH (git, tmux, docker, bwrap, sh and coreutils live here). */
export const SYSTEM_PATH_DIRS: readonly string[] = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** node_modules/.bin: the devDependency agent CLIs (`claude`, `codex`), for the tests that run them. */
export const AGENT_CLI_BIN = path.resolve(import.meta.dirname, '../../node_modules/.bin');

/**
 * The hermetic PATH value for `home`: `home`/node-bin holding only a `node` link to this Node (scripts
 * with `#!/usr/bin/env node` still run), then SYSTEM_PATH_DIRS.
 */
export function hermeticPath(home: string): string {
  const bin = path.join(home, 'node-bin');
  fs.mkdirSync(bin, { recursive: true });
  const node = path.join(bin, 'node');
  if (!fs.existsSync(node)) fs.symlinkSync(process.execPath, node);
  return [bin, ...SYSTEM_PATH_DIRS].join(path.delimiter);
}

/** Points this process (and so everything it spawns) at the hermetic PATH (see hermeticPath). */
export function useHermeticPath(home: string): void {
  process.env.PATH = hermeticPath(home);
}

/** Points this process (and so everything it spawns) at a fresh HOME. */
export function useHermeticHome(): string {
  const home = makeHermeticHome();
  process.env.HOME = home;
  delete process.env.BASH_ENV;
  delete process.env.ENV;
  return home;
}
