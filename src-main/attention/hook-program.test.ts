/**
 * Berth's hook program, run by a real sh with each poster it may find (curl, wget, node) against a real
 * HTTP server on loopback: it posts the hook's JSON with the session's token, prints nothing, exits 0,
 * and with Berth not answering (or not listening) it gives the agent its turn back within about 1 s.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findExecutable } from '../process/find-executable.js';
import { tempDir } from '../testing/fixtures.js';
import { HOOK_PROGRAM, installHookProgram } from './hook-program.js';
import { HOOK_TOKEN_HEADER } from './hook-tokens.js';

/** The program's own limit is 1 s; this much more is process start-up on a busy machine. */
const DOWN_BUDGET_MS = 1_800;
const TOKEN = 'berth-hook-0123456789abcdef';
const PAYLOAD = JSON.stringify({ hook_event_name: 'Stop', message: "it's \"quoted\" $HOME `x`", session_id: 'c1' });

const closers: (() => void)[] = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
});

/** Posters the program may find; `busybox-wget` is busybox's wget applet (what small images have). */
const POSTERS = ['curl', 'wget', 'busybox-wget', 'node'];
const posterPath = (poster: string) => findExecutable(poster === 'busybox-wget' ? 'busybox' : poster, process.env.PATH);

/** A bin dir holding only sh, cat, sleep and the given poster: the program can use nothing else. */
function binWith(poster: string | null): string {
  const dir = tempDir('berth-hook-bin-');
  for (const name of ['sh', 'cat', 'sleep']) fs.symlinkSync(findExecutable(name, process.env.PATH)!, path.join(dir, name));
  if (poster) fs.symlinkSync(posterPath(poster)!, path.join(dir, poster === 'busybox-wget' ? 'wget' : poster));
  return dir;
}

function run(program: string, env: Record<string, string>, stdin: string): Promise<{ code: number | null; out: string; ms: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn('/bin/sh', [program], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out, ms: performance.now() - t0 }));
    child.stdin.end(stdin);
  });
}

async function listen(server: net.Server): Promise<number> {
  closers.push(() => {
    server.close();
    if (server instanceof http.Server) server.closeAllConnections();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

describe('hook program', () => {
  const program = installHookProgram(tempDir('berth-hooks-'));
  if (!program.ok) throw new Error(program.error.message);

  it('is installed executable with its content, and rewriting it is a no-op', () => {
    expect(fs.readFileSync(program.value, 'utf8')).toBe(HOOK_PROGRAM);
    expect(fs.statSync(program.value).mode & 0o777).toBe(0o755);
    expect(installHookProgram(path.dirname(program.value))).toEqual(program);
  });

  it.each(POSTERS)('posts the hook JSON with the token using %s, silently, exit 0', async (poster) => {
    if (!posterPath(poster)) return;
    const got: { token: unknown; body: string; type: unknown }[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        got.push({ token: req.headers[HOOK_TOKEN_HEADER], body, type: req.headers['content-type'] });
        res.writeHead(204).end();
      });
    });
    const port = await listen(server);
    const r = await run(program.value, { PATH: binWith(poster), BERTH_HOOK_URL: `http://127.0.0.1:${port}/_berth/hook`, BERTH_HOOK_TOKEN: TOKEN }, PAYLOAD);
    expect(r).toMatchObject({ code: 0, out: '' });
    expect(got).toEqual([{ token: TOKEN, body: PAYLOAD, type: 'application/json' }]);
  });

  it.each(POSTERS)('with Berth not answering, returns within ~1 s, exit 0, silent (%s)', async (poster) => {
    if (!posterPath(poster)) return;
    // Accepts connections and never answers.
    const sockets: net.Socket[] = [];
    const port = await listen(net.createServer((s) => sockets.push(s)));
    closers.push(() => sockets.forEach((s) => s.destroy()));
    const r = await run(program.value, { PATH: binWith(poster), BERTH_HOOK_URL: `http://127.0.0.1:${port}/_berth/hook`, BERTH_HOOK_TOKEN: TOKEN }, PAYLOAD);
    expect(r).toMatchObject({ code: 0, out: '' });
    expect(r.ms).toBeLessThan(DOWN_BUDGET_MS);
  });

  it('with nothing listening, no poster, or no hook variables, exits 0 at once and prints nothing', async () => {
    const closed = await listen(net.createServer());
    closers.splice(0).forEach((c) => c());
    const envs: Record<string, string>[] = [
      { PATH: binWith('curl'), BERTH_HOOK_URL: `http://127.0.0.1:${closed}/_berth/hook`, BERTH_HOOK_TOKEN: TOKEN },
      { PATH: binWith(null), BERTH_HOOK_URL: `http://127.0.0.1:${closed}/_berth/hook`, BERTH_HOOK_TOKEN: TOKEN },
      { PATH: binWith('curl') },
    ];
    for (const env of envs) {
      const r = await run(program.value, env, PAYLOAD);
      expect(r).toMatchObject({ code: 0, out: '' });
      expect(r.ms).toBeLessThan(DOWN_BUDGET_MS);
    }
  });
});
