/**
 * Berth's hook program: a POSIX sh script an agent's hooks run (Claude Code's `--settings` hooks). It
 * posts the hook's JSON (stdin) to BERTH_HOOK_URL with the session's BERTH_HOOK_TOKEN, with curl, else
 * wget, else node, each given 1 s; it prints nothing (Claude Code reads hook output) and always exits 0,
 * so Berth being down never blocks the agent for long nor fails its turn. No Berth bundle loads: it
 * must start in milliseconds. Written to Berth's data dir at start, mounted read-only into containers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { err, ok, type Result } from '../../src-shared/result.js';
import { HOOK_TOKEN_HEADER } from './hook-tokens.js';

/** The variable a session's hooks find the program in (its path differs in a container). */
export const HOOK_PROGRAM_ENV = 'BERTH_HOOK_PROGRAM';
/** Where containers find the program (mounted read-only). */
export const CONTAINER_HOOK_PROGRAM = '/etc/berth/berth-hook';

/** Seconds each poster may take (connect and whole transfer). */
const POST_TIMEOUT_S = 1;

/** The node fallback (double quotes only: it sits in sh single quotes): posts stdin, gives up after the timeout. */
const NODE_POSTER = [
  'const u=new URL(process.env.BERTH_HOOK_URL);',
  'const c=[];process.stdin.on("data",d=>c.push(d)).on("end",()=>{',
  `const b=Buffer.concat(c);const r=require("http").request(u,{method:"POST",timeout:${POST_TIMEOUT_S * 1000},headers:{"content-type":"application/json","content-length":b.length,"${HOOK_TOKEN_HEADER}":process.env.BERTH_HOOK_TOKEN}},s=>{s.resume();s.on("end",()=>process.exit(0))});`,
  'r.on("error",()=>process.exit(0)).on("timeout",()=>process.exit(0));r.end(b)});',
  `setTimeout(()=>process.exit(0),${POST_TIMEOUT_S * 1000}).unref();`,
].join('');

/**
 * The script. It reads all of stdin first (the agent writing the event never sees a broken pipe). The token goes to curl as a header file on fd 3 (not in argv, where `ps` would show it);
 * wget has no such option, so it gets it in argv (only when curl is missing). wget gets a watchdog
 * instead of -T: busybox's (the usual wget of small images) may lack -T (Debian's crashes on it).
 */
export const HOOK_PROGRAM = `#!/bin/sh
# Berth hook: posts this hook's JSON (stdin) to Berth. Prints nothing, exits 0, gives up after ${POST_TIMEOUT_S} s.
exec >/dev/null 2>&1
body=$(cat)
if [ -z "$BERTH_HOOK_URL" ] || [ -z "$BERTH_HOOK_TOKEN" ]; then exit 0; fi
if command -v curl >/dev/null; then
  printf '%s' "$body" | curl -s -o /dev/null -m ${POST_TIMEOUT_S} --connect-timeout ${POST_TIMEOUT_S} -H 'content-type: application/json' -H @/dev/fd/3 --data-binary @- "$BERTH_HOOK_URL" 3<<EOF
${HOOK_TOKEN_HEADER}: $BERTH_HOOK_TOKEN
EOF
elif command -v wget >/dev/null; then
  wget -q -O /dev/null -t 1 --header 'content-type: application/json' --header "${HOOK_TOKEN_HEADER}: $BERTH_HOOK_TOKEN" --post-data "$body" "$BERTH_HOOK_URL" &
  p=$!
  (sleep ${POST_TIMEOUT_S}; kill $p) &
  w=$!
  wait $p
  kill $w
elif command -v node >/dev/null; then
  printf '%s' "$body" | node -e '${NODE_POSTER}'
fi
exit 0
`;

/** Writes the program into `dir` (0755, replaced atomically when its content changed); its path. */
export function installHookProgram(dir: string): Result<string> {
  const file = path.join(dir, 'berth-hook');
  try {
    fs.mkdirSync(dir, { recursive: true });
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
    if (current !== HOOK_PROGRAM) {
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, HOOK_PROGRAM, { mode: 0o755 });
      fs.renameSync(tmp, file);
    }
    fs.chmodSync(file, 0o755);
    return ok(file);
  } catch (e) {
    return err('internal', `cannot write Berth's hook program to ${file}: ${(e as Error).message}; check that the data directory is writable`);
  }
}
