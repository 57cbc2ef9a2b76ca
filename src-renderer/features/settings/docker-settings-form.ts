/**
 * Settings → Docker as a form: the fields as typed, their checks against the contract, and the
 * `settings.update` payload (only the Docker fields that changed; the server merges them one by one).
 */
import { DockerSettings, ImageRef, ResourceLimits, type CacheType, type NetworkMode, type PullPolicy, type VolumeMode } from '../../../src-shared/docker.js';
import { parseNumberField } from '../docker/number-field.js';

/** The Docker settings as edited: free text where the user types, blank meaning "none"/"unlimited". */
export interface DockerSettingsForm {
  endpoint: string;
  tlsCertPath: string;
  defaultImage: string;
  pullPolicy: PullPolicy;
  warmImages: string[];
  warmPoolSize: string;
  cpus: string;
  memoryMb: string;
  pids: string;
  volumeMode: VolumeMode;
  runtime: string;
  networkMode: NetworkMode;
  caches: CacheType[];
}

/** Problems by field; empty when the form can be saved. */
export type DockerSettingsProblems = Partial<Record<keyof DockerSettingsForm, string>>;

/** Endpoint schemes the orchestrator can use (see src-main/backends/docker/engine.ts). */
const ENDPOINT_PATTERN = /^(unix:\/\/\/|tcp:\/\/|https?:\/\/|\/)\S+$/;

const limitShape = ResourceLimits.shape;
const LIMIT_FIELDS = [
  ['cpus', limitShape.cpus.unwrap()],
  ['memoryMb', limitShape.memoryMb.unwrap()],
  ['pids', limitShape.pids.unwrap()],
] as const;

function numberText(value: number | null): string {
  return value === null ? '' : String(value);
}

/** The form showing `settings`. */
export function dockerSettingsToForm(settings: DockerSettings): DockerSettingsForm {
  return {
    endpoint: settings.endpoint ?? '',
    tlsCertPath: settings.tlsCertPath ?? '',
    defaultImage: settings.defaultImage,
    pullPolicy: settings.pullPolicy,
    warmImages: [...settings.warmImages],
    warmPoolSize: String(settings.warmPoolSize),
    cpus: numberText(settings.limits.cpus),
    memoryMb: numberText(settings.limits.memoryMb),
    pids: numberText(settings.limits.pids),
    volumeMode: settings.volumeMode,
    runtime: settings.runtime,
    networkMode: settings.networkMode,
    caches: [...settings.caches],
  };
}

/** Checks every field; the messages are shown under the fields. */
export function validateDockerSettingsForm(form: DockerSettingsForm): DockerSettingsProblems {
  const problems: DockerSettingsProblems = {};
  const endpoint = form.endpoint.trim();
  if (endpoint && !ENDPOINT_PATTERN.test(endpoint)) problems.endpoint = 'use unix:///path/to/docker.sock or tcp://host:port';
  const image = ImageRef.safeParse(form.defaultImage.trim());
  if (!image.success) problems.defaultImage = form.defaultImage.trim() ? `use ${image.error.issues[0]?.message}` : 'enter an image';
  if (!DockerSettings.shape.warmImages.safeParse(form.warmImages).success) problems.warmImages = 'at most 20 valid image references';
  const pool = parseNumberField(form.warmPoolSize, DockerSettings.shape.warmPoolSize);
  if (!pool.ok) problems.warmPoolSize = pool.message;
  for (const [key, schema] of LIMIT_FIELDS) {
    const parsed = parseNumberField(form[key], schema);
    if (!parsed.ok) problems[key] = parsed.message;
  }
  if (!DockerSettings.shape.runtime.safeParse(form.runtime.trim()).success) problems.runtime = 'enter a runtime (e.g. runc)';
  return problems;
}

/** The settings the form describes (assumes it validated). */
function formToSettings(form: DockerSettingsForm, current: DockerSettings): DockerSettings {
  const number = (text: string, schema: Parameters<typeof parseNumberField>[1], fallback: number | null) => {
    const parsed = parseNumberField(text, schema);
    return parsed.ok ? parsed.value : fallback;
  };
  return {
    endpoint: form.endpoint.trim() || null,
    tlsCertPath: form.tlsCertPath.trim() || null,
    defaultImage: form.defaultImage.trim(),
    pullPolicy: form.pullPolicy,
    warmImages: [...form.warmImages],
    warmPoolSize: number(form.warmPoolSize, DockerSettings.shape.warmPoolSize, 0) ?? 0,
    limits: {
      cpus: number(form.cpus, LIMIT_FIELDS[0][1], current.limits.cpus),
      memoryMb: number(form.memoryMb, LIMIT_FIELDS[1][1], current.limits.memoryMb),
      pids: number(form.pids, LIMIT_FIELDS[2][1], current.limits.pids),
    },
    volumeMode: form.volumeMode,
    runtime: form.runtime.trim(),
    networkMode: form.networkMode,
    caches: [...form.caches],
  };
}

/**
 * The `docker` part of `settings.update`: only the fields that differ from `current`. Limits go as one
 * object (the server merges Docker settings field by field, and `limits` is one field).
 */
export function buildDockerPatch(form: DockerSettingsForm, current: DockerSettings): Partial<DockerSettings> {
  const next = formToSettings(form, current);
  const patch: Partial<DockerSettings> = {};
  for (const key of Object.keys(next) as Array<keyof DockerSettings>) {
    if (JSON.stringify(next[key]) !== JSON.stringify(current[key])) {
      (patch as Record<string, unknown>)[key] = next[key];
    }
  }
  return patch;
}
