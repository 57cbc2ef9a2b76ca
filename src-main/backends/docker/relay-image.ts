/**
 * The egress relay's image: busybox, from the recipe in resources/docker/relay. Berth finds it on the
 * engine or builds it there (the engine pulls the busybox base); when neither works, contained sessions
 * can't be created and the error says how to build it by hand. `berth doctor` checks it too.
 */
import type Docker from 'dockerode';
import type TarStream from 'tar-stream';
import { err, ok, type Result } from '../../../src-shared/result.js';
import { withTimeout } from './engine.js';

/** The relay image; the tag changes when the recipe does, so an old build is never mistaken for it. */
export const RELAY_IMAGE = 'berth-relay:1';

/** resources/docker/relay/Dockerfile, which Berth builds when the image is missing (a test keeps them equal). */
export const RELAY_DOCKERFILE = `# Berth's egress relay: the only way out of a contained Docker session.
#
#   docker build -t berth-relay:1 resources/docker/relay
#
# Berth builds this image itself when it is missing (the engine pulls the busybox base), and
# \`berth doctor\` checks for it. One relay container per Berth data directory joins every contained
# session's internal network and forwards two ports to Berth's credential proxy with busybox \`nc\`; the
# same image holds each session's network namespace (\`sleep\`). Berth sets the command, a non-root user
# and the limits when it creates them. The base is an argument so a mirror can stand in for Docker Hub.
ARG BASE=busybox:1.37
FROM \${BASE}
LABEL org.opencontainers.image.title="berth-relay"
USER 65534:65534
CMD ["sh"]
`;

/** Environment variable naming another base image for the build (a mirror of busybox). */
export const RELAY_BASE_ENV = 'BERTH_RELAY_BASE';

/** How to make the image by hand (the fix in errors and in `berth doctor`). */
export const RELAY_BUILD_FIX = `build it with \`docker build -t ${RELAY_IMAGE} resources/docker/relay\` (from Berth's source), or let Berth build it with access to Docker Hub's busybox image`;

/** Longest a build may take (pulling busybox included) before it counts as failed. */
const BUILD_TIMEOUT_MS = 120_000;

/** Whether the relay image is on the engine. */
export async function relayImagePresent(docker: Docker): Promise<boolean> {
  return docker
    .getImage(RELAY_IMAGE)
    .inspect()
    .then(() => true, () => false);
}

const building = new WeakMap<Docker, Promise<Result<void>>>();

/**
 * Resolves once the relay image is present, building it when missing (from `base` when given, else the
 * recipe's busybox); one build at a time per engine client.
 */
export function ensureRelayImage(docker: Docker, base?: string): Promise<Result<void>> {
  let pending = building.get(docker);
  if (!pending) {
    pending = findOrBuild(docker, base);
    building.set(docker, pending);
    // A failure is tried again on the next create; a success is remembered for this client.
    void pending.then((r) => {
      if (!r.ok) building.delete(docker);
    });
  }
  return pending;
}

async function findOrBuild(docker: Docker, base?: string): Promise<Result<void>> {
  if (await relayImagePresent(docker)) return ok();
  const built = await build(docker, base).catch((e: Error) => err('backend_unavailable', e.message));
  if (built.ok && (await relayImagePresent(docker))) return ok();
  const why = built.ok ? 'the build did not produce it' : built.error.message;
  return err('backend_unavailable', `the egress relay image ${RELAY_IMAGE} is missing and could not be built (${why}); ${RELAY_BUILD_FIX}`);
}

async function build(docker: Docker, base?: string): Promise<Result<void>> {
  const m = await import('tar-stream');
  const pack = ((m.default ?? m) as typeof TarStream).pack();
  pack.entry({ name: 'Dockerfile' }, RELAY_DOCKERFILE);
  pack.finalize();
  const stream = await docker.buildImage(pack, { t: RELAY_IMAGE, rm: true, forcerm: true, ...(base ? { buildargs: { BASE: base } } : {}) });
  try {
    const events = await withTimeout(
      new Promise<{ error?: string }[]>((resolve, reject) => docker.modem.followProgress(stream, (e: Error | null, out: { error?: string }[]) => (e ? reject(e) : resolve(out)))),
      BUILD_TIMEOUT_MS,
    );
    const failed = events.find((e) => e.error)?.error;
    return failed ? err('backend_unavailable', failed.trim()) : ok();
  } finally {
    (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
  }
}
