/**
 * A test image with git: the busybox test image plus this machine's own git binary and the shared
 * libraries it links (from `ldd`), added through the engine's archive API and committed. No registry,
 * no package download: what runs in the container is the git the host runs.
 */
import { execFileSync, spawn } from 'node:child_process';
import { BUSYBOX_IMAGE, dockerClient } from './docker-engine.js';

/** Tag of the git test image. */
export const GIT_IMAGE = 'berth-test-git:latest';
/** Where git is on Debian (and where it goes in the image). */
const GIT = '/usr/bin/git';

/** Builds the git test image on the engine from the busybox one; skips an existing one. */
export async function ensureGitImage(endpoint: string, base = BUSYBOX_IMAGE, tag = GIT_IMAGE): Promise<string> {
  const docker = await dockerClient(endpoint);
  if (await docker.getImage(tag).inspect().then(() => true, () => false)) return tag;
  const libs = execFileSync('ldd', [GIT], { encoding: 'utf8' })
    .split('\n')
    .map((l) => /(\/\S+) \(0x/.exec(l)?.[1])
    .filter((p): p is string => p !== undefined);
  const files = [GIT, ...libs].map((p) => p.replace(/^\//, ''));
  const container = await docker.createContainer({ Image: base, Cmd: ['true'] });
  try {
    // -h: store what the library symlinks point at, under the names the loader looks for.
    const tar = spawn('tar', ['-C', '/', '-h', '-cf', '-', ...files], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((resolve) => tar.once('close', resolve));
    await container.putArchive(tar.stdout, { path: '/' });
    if ((await exited) !== 0) throw new Error('tar of the git binary and its libraries failed');
    const [repo, version] = tag.split(':') as [string, string];
    await container.commit({ repo, tag: version });
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
  return tag;
}
