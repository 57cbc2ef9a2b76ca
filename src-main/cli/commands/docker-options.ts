/**
 * `berth create`'s Docker options (--image, --pull-policy, --volume-mode, --cpus, --memory, --pids,
 * --runtime, --caches, --network): declared on the command, parsed into the contract's DockerCreateOptions.
 */
import { Option, type Command } from 'commander';
import { CacheType, DockerCreateOptions, PullPolicy, VolumeMode } from '../../../src-shared/docker.js';
import { UsageError } from '../context.js';

/** The Docker options as commander hands them over (strings, except the choices). */
export interface DockerCliOptions {
  image?: string;
  pullPolicy?: string;
  volumeMode?: string;
  cpus?: string;
  memory?: string;
  pids?: string;
  runtime?: string;
  caches?: string;
  network?: string;
}

/** The commander option a DockerCreateOptions field comes from (flags whose name differs from the field). */
const cliKey = (key: keyof DockerCreateOptions): keyof DockerCliOptions => (key === 'memoryMb' ? 'memory' : key === 'networkMode' ? 'network' : key);

/** Each option's flag, for messages, by its DockerCreateOptions field. */
const FLAGS: Record<keyof DockerCreateOptions, string> = {
  image: '--image',
  pullPolicy: '--pull-policy',
  volumeMode: '--volume-mode',
  cpus: '--cpus',
  memoryMb: '--memory',
  pids: '--pids',
  runtime: '--runtime',
  caches: '--caches',
  networkMode: '--network',
};

/** What a well-formed value looks like, for options checked by a pattern. */
const FORMAT_HINTS: Partial<Record<keyof DockerCreateOptions, string>> = {
  image: 'use an image reference like node:22 or registry.example/team/agent:1.2',
  runtime: 'use letters, digits, dots, dashes and underscores (e.g. runc, runsc)',
  networkMode: 'use contained, none, bridge or the name of an engine network',
};

/** MB per unit of `--memory` suffixes (Docker's binary units: 1g = 1024m). */
const MEMORY_UNITS_MB: Record<string, number> = { '': 1, m: 1, mb: 1, mib: 1, g: 1024, gb: 1024, gib: 1024 };
const MEMORY_PATTERN = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i;
/** `--caches none` asks for no caches at all. */
const NO_CACHES = 'none';

/** Declares the Docker options on `create`. */
export function addDockerCreateOptions(cmd: Command): Command {
  return cmd
    .option('--image <ref>', 'Docker: image to run (default: Settings → Docker default image)')
    .addOption(new Option('--pull-policy <policy>', 'Docker: when to pull the image').choices(PullPolicy.options))
    .addOption(
      new Option('--volume-mode <mode>', 'Docker: bind (live edits, best on Linux) or volume (copied in, synced back on stop)').choices(
        VolumeMode.options,
      ),
    )
    .option('--cpus <n>', 'Docker: CPU limit (fractional, e.g. 1.5)')
    .option('--memory <size>', 'Docker: memory limit in MB, or with a suffix: 512m, 2g')
    .option('--pids <n>', 'Docker: most processes in the container')
    .option('--runtime <name>', 'Docker: container runtime (e.g. runc, runsc)')
    .option('--caches <list>', `Docker: package caches, comma-separated (${CacheType.options.join(', ')}) or "${NO_CACHES}"`)
    .option(
      '--network <mode>',
      'Docker: contained (only the proxy is reachable; the default), none, or an open network (bridge or an engine network name: egress not contained)',
    );
}

/** `--memory` in MB: a plain number is MB; m/mb/mib and g/gb/gib suffixes are accepted. */
export function parseMemoryMb(text: string): number {
  const match = MEMORY_PATTERN.exec(text.trim());
  const factor = match ? MEMORY_UNITS_MB[(match[2] ?? '').toLowerCase()] : undefined;
  if (!match || factor === undefined) {
    throw new UsageError(`--memory: '${text}' is not a size (use MB, e.g. 512, or a suffix: 512m, 2g)`);
  }
  const mb = Number(match[1]) * factor;
  if (!Number.isInteger(mb)) throw new UsageError(`--memory: '${text}' is not a whole number of MB`);
  return mb;
}

/** A zod issue about one option's value, in words ("must be at least 8"). */
function describeIssue(issue: { code: string; message: string; minimum?: unknown; maximum?: unknown; inclusive?: boolean; expected?: unknown }): string {
  if (issue.code === 'too_small' && typeof issue.minimum !== 'bigint' && issue.minimum !== undefined) {
    return `must be ${issue.inclusive ? 'at least' : 'more than'} ${String(issue.minimum)}`;
  }
  if (issue.code === 'too_big' && issue.maximum !== undefined) return `must be ${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}`;
  if (issue.code === 'invalid_type' && issue.expected === 'int') return 'must be a whole number';
  return issue.message;
}

function parseNumber(flag: string, text: string): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`${flag}: '${text}' is not a number`);
  return value;
}

/** `--caches`: comma-separated cache types, each checked against the contract; "none" is an empty list. */
export function parseCaches(text: string): CacheType[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 1 && names[0] === NO_CACHES) return [];
  const caches: CacheType[] = [];
  for (const name of names) {
    const parsed = CacheType.safeParse(name);
    if (!parsed.success) throw new UsageError(`--caches: '${name}' is not a cache type (${CacheType.options.join(', ')}, or "${NO_CACHES}")`);
    if (!caches.includes(parsed.data)) caches.push(parsed.data);
  }
  return caches;
}

/** Whether any Docker option was given. */
export function hasDockerOptions(opts: DockerCliOptions): boolean {
  return (Object.keys(FLAGS) as Array<keyof DockerCreateOptions>).some((key) => opts[cliKey(key)] !== undefined);
}

/**
 * The `docker` params of `sessions.create`, or undefined when no Docker option was given.
 * Usage errors: Docker options with another backend, values the contract rejects.
 */
export function parseDockerCreateOptions(opts: DockerCliOptions, backend: string): DockerCreateOptions | undefined {
  if (!hasDockerOptions(opts)) return undefined;
  if (backend !== 'docker') {
    const given = (Object.entries(FLAGS) as Array<[keyof DockerCreateOptions, string]>)
      .filter(([key]) => opts[cliKey(key)] !== undefined)
      .map(([, flag]) => flag);
    throw new UsageError(`${given.join(', ')} ${given.length === 1 ? 'is' : 'are'} only for --backend docker`);
  }
  const raw = {
    image: opts.image,
    pullPolicy: opts.pullPolicy,
    volumeMode: opts.volumeMode,
    cpus: opts.cpus === undefined ? undefined : parseNumber('--cpus', opts.cpus),
    memoryMb: opts.memory === undefined ? undefined : parseMemoryMb(opts.memory),
    pids: opts.pids === undefined ? undefined : parseNumber('--pids', opts.pids),
    runtime: opts.runtime,
    caches: opts.caches === undefined ? undefined : parseCaches(opts.caches),
    networkMode: opts.network,
  };
  const parsed = DockerCreateOptions.safeParse(raw);
  if (!parsed.success) {
    const message = parsed.error.issues
      .map((issue) => {
        const key = issue.path[0] as keyof DockerCreateOptions;
        // The network is a union (a choice or a network name): its issues name neither, so the hint says it.
        const hinted = issue.code === 'invalid_format' || key === 'networkMode';
        const text = key === 'networkMode' && opts.network === 'host' ? 'the host network is never used for sessions' : hinted ? (FORMAT_HINTS[key] ?? issue.message) : describeIssue(issue);
        return `${FLAGS[key] ?? 'docker'}: ${text}`;
      })
      .join('; ');
    throw new UsageError(message);
  }
  const options: DockerCreateOptions = {};
  for (const [key, value] of Object.entries(parsed.data)) {
    if (value !== undefined) (options as Record<string, unknown>)[key] = value;
  }
  return options;
}
