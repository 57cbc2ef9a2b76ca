/**
 * The "New session" form: its fields, how they become `sessions.create` params, what blocks submit.
 */
import type { CreateSessionParams } from '../../../src-shared/contract.js';
import { SessionName, type AgentId, type AgentProfileDto, type BackendDto, type BackendId } from '../../../src-shared/dto.js';
import { buildDockerOptions, EMPTY_DOCKER_FORM, validateDockerForm, type DockerForm } from './docker-options.js';
import { slugify } from './format.js';

/** Everything typed into the form; kept as-is across failed submits. */
export interface CreateForm {
  repoPath: string;
  agent: AgentId | '';
  backend: BackendId | '';
  prompt: string;
  baseBranch: string;
  name: string;
  model: string;
  command: string;
  /** Advanced options, sent only with the Docker backend. */
  docker: DockerForm;
}

export const EMPTY_FORM: CreateForm = {
  repoPath: '',
  agent: '',
  backend: '',
  prompt: '',
  baseBranch: '',
  name: '',
  model: '',
  command: '',
  docker: EMPTY_DOCKER_FORM,
};

/** Placeholder of the name field: the slug the prompt would give. */
export function namePlaceholder(prompt: string): string {
  return slugify(prompt) || 'derived from the prompt';
}

/** Problems that block submitting, by field; empty when the form can be sent. */
export function validateForm(
  form: CreateForm,
  agent: AgentProfileDto | undefined,
  backend: BackendDto | undefined,
): Partial<Record<keyof CreateForm, string>> {
  const problems: Partial<Record<keyof CreateForm, string>> = {};
  if (!form.repoPath.trim()) problems.repoPath = 'choose a repository folder';
  if (!agent) problems.agent = 'choose an agent';
  else if (!agent.available) problems.agent = agent.reason ?? `${agent.name} is unavailable`;
  if (!backend) problems.backend = 'choose a backend';
  else if (!backend.available) problems.backend = backend.reason ?? `${backend.name} is unavailable`;
  if (form.agent === 'custom' && !form.command.trim()) problems.command = 'enter the command to run';
  if (form.backend === 'docker' && Object.keys(validateDockerForm(form.docker)).length > 0) {
    problems.docker = 'fix the Docker options';
  }
  const name = form.name.trim();
  if (name) {
    const parsed = SessionName.safeParse(name);
    if (!parsed.success) problems.name = parsed.error.issues[0]?.message ?? 'invalid name';
  }
  return problems;
}

/** Turns the form into request params, leaving out empty optional fields. */
export function buildCreateParams(
  form: CreateForm,
  supportsModel: boolean,
  size?: { cols: number; rows: number },
): CreateSessionParams {
  const agent = form.agent || 'shell';
  const params: CreateSessionParams = {
    repoPath: form.repoPath.trim(),
    agent,
    backend: form.backend || 'local',
    prompt: form.prompt,
  };
  const name = form.name.trim();
  if (name) params.name = name;
  if (form.baseBranch) params.baseBranch = form.baseBranch;
  const model = form.model.trim();
  if (supportsModel && model) params.model = model;
  if (agent === 'custom') params.command = form.command.trim();
  if (params.backend === 'docker') {
    const docker = buildDockerOptions(form.docker);
    if (docker) params.docker = docker;
  }
  if (size) {
    params.cols = size.cols;
    params.rows = size.rows;
  }
  return params;
}

/** The first selectable option: the preferred id when available, else the first available one. */
export function pickDefault<T extends { id: string; available: boolean }>(
  options: readonly T[],
  preferred: string | undefined,
): T['id'] | '' {
  const wanted = options.find((o) => o.id === preferred && o.available);
  return (wanted ?? options.find((o) => o.available))?.id ?? '';
}
