/**
 * A fresh HOME for tests and the processes they start: the developer's dotfiles must not decide a
 * test's outcome. (Seen here: a ~/.bashrc running `pyenv init` took seconds under load, so shell
 * sessions printed nothing within the test's wait.) Git gets a test identity in it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function makeHermeticHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-test-home-'));
  fs.writeFileSync(path.join(home, '.gitconfig'), '[user]\n\tname = Berth Test\n\temail = test@berth.invalid\n[init]\n\tdefaultBranch = main\n');
  return home;
}

/** Points this process (and so everything it spawns) at a fresh HOME. */
export function useHermeticHome(): string {
  const home = makeHermeticHome();
  process.env.HOME = home;
  delete process.env.BASH_ENV;
  delete process.env.ENV;
  return home;
}
