/**
 * The "Advanced (Docker)" part of the New session form: its fields, their checks against the
 * contract, and the `docker` request options. Unset fields are left out so the server applies
 * Settings → Docker.
 */
import { DockerCreateOptions, ImageRef, type CacheType, type NetworkMode, type PullPolicy, type VolumeMode } from '../../../src-shared/docker.js';
import { parseNumberField } from '../docker/number-field.js';

/** What was typed; empty strings (and `caches: null`) mean "use the default". */
export interface DockerForm {
  image: string;
  pullPolicy: PullPolicy | '';
  volumeMode: VolumeMode | '';
  cpus: string;
  memoryMb: string;
  pids: string;
  runtime: string;
  /** null until a checkbox is touched: the default caches apply. */
  caches: CacheType[] | null;
  networkMode: NetworkMode | '';
}

export const EMPTY_DOCKER_FORM: DockerForm = {
  image: '',
  pullPolicy: '',
  volumeMode: '',
  cpus: '',
  memoryMb: '',
  pids: '',
  runtime: '',
  caches: null,
  networkMode: '',
};

/** Problems by field; empty when the options can be sent. */
export type DockerFormProblems = Partial<Record<keyof DockerForm, string>>;

const shape = DockerCreateOptions.shape;
const NUMBER_FIELDS = [
  ['cpus', shape.cpus.unwrap()],
  ['memoryMb', shape.memoryMb.unwrap()],
  ['pids', shape.pids.unwrap()],
] as const;

/** Checks each set field against the contract's schema. */
export function validateDockerForm(form: DockerForm): DockerFormProblems {
  const problems: DockerFormProblems = {};
  const image = form.image.trim();
  if (image) {
    const parsed = ImageRef.safeParse(image);
    if (!parsed.success) problems.image = `use ${parsed.error.issues[0]?.message ?? 'a valid image reference'}`;
  }
  for (const [key, schema] of NUMBER_FIELDS) {
    const parsed = parseNumberField(form[key], schema);
    if (!parsed.ok) problems[key] = parsed.message;
  }
  const runtime = form.runtime.trim();
  if (runtime && !shape.runtime.safeParse(runtime).success) problems.runtime = 'letters, digits, dots, dashes and underscores only';
  return problems;
}

/** The `docker` options of `sessions.create`; undefined when every field is left at its default. */
export function buildDockerOptions(form: DockerForm): DockerCreateOptions | undefined {
  const options: DockerCreateOptions = {};
  const image = form.image.trim();
  if (image) options.image = image;
  if (form.pullPolicy) options.pullPolicy = form.pullPolicy;
  if (form.volumeMode) options.volumeMode = form.volumeMode;
  for (const [key, schema] of NUMBER_FIELDS) {
    const parsed = parseNumberField(form[key], schema);
    if (parsed.ok && parsed.value !== null) options[key] = parsed.value;
  }
  const runtime = form.runtime.trim();
  if (runtime) options.runtime = runtime;
  if (form.caches !== null) options.caches = [...form.caches];
  if (form.networkMode) options.networkMode = form.networkMode;
  return Object.keys(options).length > 0 ? options : undefined;
}
