/**
 * The Docker commands against a real orchestrator whose Docker engine is unreachable (the endpoint
 * setting points at a socket that doesn't exist): clear messages, exit 1, nothing created.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerInfoDto } from '../../src-shared/docker.js';
import { SessionDto } from '../../src-shared/dto.js';
import { callHttp } from '../client/node-client.js';
import { makeGitRepo, runBerth, startTestOrchestrator, type TestOrchestrator } from './cli-test-support.js';

/** A Docker endpoint nothing listens on. */
const ENDPOINT = 'unix:///nonexistent.sock';

describe('berth with an unreachable Docker engine', () => {
  let server: TestOrchestrator;
  let repo: string;
  const berth = (...args: string[]) => runBerth(args, { home: server.home });

  beforeAll(async () => {
    server = await startTestOrchestrator();
    repo = makeGitRepo();
    const endpoint = { url: server.orchestrator.url, token: server.orchestrator.token };
    const updated = await callHttp(endpoint, 'settings.update', { docker: { endpoint: ENDPOINT } });
    expect(updated.ok && updated.value.docker.endpoint).toBe(ENDPOINT);
  });

  afterAll(async () => {
    await server?.close();
    if (repo) fs.rmSync(repo, { recursive: true, force: true });
  });

  it('cache size exits 1 with a message naming the endpoint', async () => {
    for (const args of [['cache', 'size'], ['cache', 'size', '--type', 'npm', '--json']]) {
      const res = await berth(...args);
      expect(res.code, args.join(' ')).toBe(1);
      expect(res.stdout).toBe('');
      expect(res.stderr).toMatch(/^berth: Docker is not reachable at unix:\/\/\/nonexistent\.sock \(no socket there\); .+\n$/);
    }
  });

  it('cache clean exits 1 with the server message', async () => {
    const res = await berth('cache', 'clean', '--type', 'pip');
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    // The server passes the raw socket error through here ("connect ENOENT /nonexistent.sock"), unlike
    // caches.list's "Docker is not reachable at …"; either way the message names the socket.
    expect(res.stderr).toMatch(/^berth: .*\/nonexistent\.sock/);
  });

  it('docker info reports the engine as unavailable and exits 1', async () => {
    const text = await berth('docker', 'info');
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^endpoint:\s+unix:\/\/\/nonexistent\.sock$/m);
    expect(text.stdout).toMatch(/^engine:\s+unavailable: Docker is not reachable/m);

    const json = await berth('docker', 'info', '--json');
    expect(json.code).toBe(1);
    const info = DockerInfoDto.parse(JSON.parse(json.stdout));
    expect(info).toMatchObject({ available: false, endpoint: ENDPOINT, version: null });
  });

  it('create --backend docker exits 1 saying the engine is not reachable, and creates nothing', async () => {
    const res = await berth('create', '--repo', repo, '--agent', 'shell', '--backend', 'docker', '--memory', '512m', '--name', 'dock');
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/^berth: the docker backend is unavailable: Docker is not reachable at unix:\/\/\/nonexistent\.sock/);

    for (const archived of [false, true]) {
      const list = await berth('list', '--json', ...(archived ? ['--archived'] : []));
      expect(list.code).toBe(0);
      expect(SessionDto.array().parse(JSON.parse(list.stdout))).toEqual([]);
    }
    const branches = execFileSync('git', ['branch', '--list', 'berth/*'], { cwd: repo, encoding: 'utf8' });
    expect(branches).toBe('');
    const worktrees = execFileSync('git', ['worktree', 'list', '--porcelain'], { cwd: repo, encoding: 'utf8' });
    expect(worktrees.match(/^worktree /gm)).toHaveLength(1);
    // No worktree folder named after the session anywhere in the data dir.
    const entries = fs.readdirSync(server.home, { recursive: true, encoding: 'utf8' });
    expect(entries.filter((entry) => path.basename(entry) === 'dock')).toEqual([]);
  });
});
