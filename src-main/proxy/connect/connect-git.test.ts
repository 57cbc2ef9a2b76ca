/**
 * git over HTTPS through CONNECT mode: a local HTTPS git server (`git http-backend` as CGI, Basic auth
 * required) for `git.test`; git has no credential anywhere and gets through because the proxy injects it.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, tempDir } from '../../testing/fixtures.js';
import { startConnectRig, startHttpsServer, REAL_GIT_AUTH, TEST_TOKEN, type ConnectRig } from './connect-test-support.js';

/** Deadline for one git command. */
const GIT_TIMEOUT_MS = 60_000;
/** Where CGI headers end (git http-backend writes CRLF; tolerate LF). */
const HEADER_END = /\r?\n\r?\n/;

let rig: ConnectRig;
let gitServer: Awaited<ReturnType<typeof startHttpsServer>>;
let bare: string;
const seenAuth: (string | undefined)[] = [];

/** `git http-backend` behind Basic auth: 401 unless the request carries the real (injected) credential. */
function gitHttpBackend(projectRoot: string): http.RequestListener {
  return (req, res) => {
    seenAuth.push(req.headers.authorization);
    if (req.headers.authorization !== REAL_GIT_AUTH) {
      req.resume();
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git.test"', 'content-type': 'text/plain' }).end('authentication required\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'https://git.test');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: process.env.HOME,
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: req.method,
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_USER: 'x-access-token',
      REMOTE_ADDR: '127.0.0.1',
      ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
      ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] } : {}),
      ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
    };
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
    req.pipe(child.stdin);
    let head = Buffer.alloc(0);
    let headerDone = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headerDone) return void res.write(chunk);
      head = Buffer.concat([head, chunk]);
      const text = head.toString('latin1');
      const m = HEADER_END.exec(text);
      if (!m) return;
      headerDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of text.slice(0, m.index).split(/\r?\n/)) {
        const i = line.indexOf(':');
        const name = line.slice(0, i).trim().toLowerCase();
        const value = line.slice(i + 1).trim();
        if (name === 'status') status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(Buffer.byteLength(text.slice(0, m.index + m[0].length), 'latin1')));
    });
    child.on('close', () => (headerDone ? res.end() : res.writeHead(500).end('http-backend failed\n')));
  };
}

/** Runs git with execFile, a timeout, the hermetic HOME and nothing but the proxy and CA in its env. */
function git(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const proxyUrl = `http://berth:${TEST_TOKEN}@127.0.0.1:${rig.listener.port}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME, // the hermetic home from the test setup: no credential helper, no config
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '/bin/false',
    HTTPS_PROXY: proxyUrl,
    https_proxy: proxyUrl,
    GIT_SSL_CAINFO: rig.berthCa.files.bundlePath,
    LC_ALL: 'C',
  };
  return new Promise((resolve) => {
    execFile('git', args, { cwd, env, timeout: GIT_TIMEOUT_MS }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  rig = await startConnectRig({ caDir: tempDir('berth-ca-'), upstreamCaDir: tempDir('berth-upstream-ca-') });
  const root = tempDir('berth-git-root-');
  bare = path.join(root, 'repo.git');
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare]);
  execFileSync('git', ['-C', bare, 'config', 'http.receivepack', 'true']);
  const seed = makeRepo();
  execFileSync('git', ['-C', seed, 'push', '-q', bare, 'main']);
  gitServer = await startHttpsServer(rig.upstreamCa, gitHttpBackend(root));
});

afterAll(async () => {
  await gitServer?.close();
  await rig?.close();
});

describe('git over HTTPS through CONNECT mode', () => {
  it('has no credential in git config or env', async () => {
    const work = tempDir('berth-git-cfg-');
    const { stdout } = await git(['config', '--list', '--show-origin'], work);
    expect(stdout).not.toMatch(/credential|real-git-token/i);
    expect(fs.readFileSync(path.join(process.env.HOME!, '.gitconfig'), 'utf8')).not.toMatch(/credential/i);
  });

  it('fails with 401 when the proxy does not inject (control)', async () => {
    rig.inject.on = false;
    try {
      const r = await git(['ls-remote', `https://git.test:${gitServer.port}/repo.git`], tempDir('berth-git-'));
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/401|Authentication failed|could not read Username/i);
    } finally {
      rig.inject.on = true;
    }
  });

  it('clones and pushes a commit with the injected credential', async () => {
    const work = tempDir('berth-git-');
    const remote = `https://git.test:${gitServer.port}/repo.git`;
    const clone = await git(['clone', '-q', remote, 'clone'], work);
    expect(clone.stderr).toBe('');
    expect(clone.code).toBe(0);
    const dir = path.join(work, 'clone');
    expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf8')).toBe('# test repo\n');

    fs.writeFileSync(path.join(dir, 'pushed.txt'), 'through the Berth proxy\n'.repeat(1_000));
    expect((await git(['add', 'pushed.txt'], dir)).code).toBe(0);
    expect((await git(['commit', '-q', '-m', 'pushed through CONNECT'], dir)).code).toBe(0);
    const push = await git(['push', '-q', 'origin', 'main'], dir);
    expect(push.stderr).toBe('');
    expect(push.code).toBe(0);

    const log = execFileSync('git', ['-C', bare, 'log', '-1', '--format=%s', 'main'], { encoding: 'utf8' });
    expect(log.trim()).toBe('pushed through CONNECT');
    // Every request that reached the server carried the injected credential, none a client one.
    const authorized = seenAuth.filter((a) => a !== undefined);
    expect(authorized.length).toBeGreaterThan(0);
    expect(authorized.every((a) => a === REAL_GIT_AUTH)).toBe(true);
    expect(rig.forwards.some((f) => f.host === 'git.test' && f.method === 'POST' && f.path === '/repo.git/git-receive-pack' && f.status === 200)).toBe(true);
  });
});
