/**
 * A stand-in for libsecret's `secret-tool` (no secret service runs here), speaking its CLI: `store
 * --label=L attr value…` reads the secret from stdin, `lookup attr value…` prints it (exit 1 and no
 * output when there is none), `clear attr value…` removes it. Items are kept per attribute list in a
 * folder, each call's arguments are logged, and `FAKE_SECRET_FAIL` makes every call fail like a session
 * without D-Bus. https://manpages.debian.org/secret-tool
 */
import fs from 'node:fs';
import path from 'node:path';
import { SYSTEM_PATH_DIRS } from './hermetic-home.js';

/** Where the fake lives and keeps its items. */
export interface FakeSecretTool {
  /** A folder holding only `secret-tool`: put it on a test PATH. */
  readonly binDir: string;
  /** The items, one file per attribute list. */
  readonly storeDir: string;
  /** Variables the fake needs (merge into the environment of whatever runs it). */
  readonly env: Record<string, string>;
  /** Every call's arguments so far, one line each. */
  calls(): string[];
  /** The stored secret for an attribute list, or null. */
  item(attributes: readonly string[]): string | null;
}

const SCRIPT = `#!/bin/sh
store="$FAKE_SECRET_STORE"
echo "$*" >> "$store/calls"
if [ -n "$FAKE_SECRET_FAIL" ]; then echo "secret-tool: Cannot autolaunch D-Bus without X11 \\$DISPLAY" >&2; exit 1; fi
cmd="$1"; shift
label=""
case "$1" in --label=*) label="\${1#--label=}"; shift ;; esac
item="$store/item-$(printf '%s\\n' "$@" | od -An -tx1 | tr -d ' \\n')"
case "$cmd" in
  store)
    if [ -z "$label" ]; then echo "secret-tool: must specify a label for the new item" >&2; exit 2; fi
    cat > "$item" ;;
  lookup)
    [ -f "$item" ] || exit 1
    cat "$item" ;;
  clear)
    rm -f "$item" ;;
  *)
    echo "usage: secret-tool store --label='label' attribute value ..." >&2; exit 2 ;;
esac
`;

/** Writes the fake into `dir` (bin/ and store/). */
export function installFakeSecretTool(dir: string): FakeSecretTool {
  const binDir = path.join(dir, 'bin');
  const storeDir = path.join(dir, 'secret-store');
  fs.mkdirSync(binDir, { recursive: true });
  fs.mkdirSync(storeDir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(binDir, 'secret-tool'), SCRIPT, { mode: 0o755 });
  const itemFile = (attributes: readonly string[]) => path.join(storeDir, `item-${Buffer.from(attributes.map((a) => `${a}\n`).join('')).toString('hex')}`);
  return {
    binDir,
    storeDir,
    env: { FAKE_SECRET_STORE: storeDir },
    calls: () => (fs.existsSync(path.join(storeDir, 'calls')) ? fs.readFileSync(path.join(storeDir, 'calls'), 'utf8').split('\n').filter(Boolean) : []),
    item: (attributes) => (fs.existsSync(itemFile(attributes)) ? fs.readFileSync(itemFile(attributes), 'utf8') : null),
  };
}

/**
 * The tests' hermetic PATH (hermetic-home.ts) minus `secret-tool`, so a `secret-tool` installed on this
 * machine doesn't decide which key protector a test gets: a folder in `dir` of links to every other
 * executable of Node's folder and the system folders, after `extra` folders (e.g. the fake's).
 */
export function pathWithoutSecretTool(dir: string, ...extra: string[]): string {
  const farm = path.join(dir, 'bin-without-secret-tool');
  fs.mkdirSync(farm, { recursive: true });
  const linked = new Set(fs.readdirSync(farm));
  for (const source of [path.dirname(process.execPath), ...SYSTEM_PATH_DIRS]) {
    let names: string[];
    try {
      names = fs.readdirSync(source);
    } catch {
      continue;
    }
    for (const name of names) {
      if (name === 'secret-tool' || linked.has(name)) continue;
      linked.add(name);
      fs.symlinkSync(path.join(source, name), path.join(farm, name));
    }
  }
  return [...extra, farm].join(path.delimiter);
}
