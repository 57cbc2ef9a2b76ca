import { describe, expect, it } from 'vitest';
import { methods } from '../../../src-shared/contract.js';
import { DEFAULT_DOCKER_SETTINGS } from '../../../src-shared/docker.js';
import { buildDockerPatch, dockerSettingsToForm, validateDockerSettingsForm } from './docker-settings-form.js';

const current = DEFAULT_DOCKER_SETTINGS;

describe('docker settings form', () => {
  it('round-trips the saved settings without changes', () => {
    const form = dockerSettingsToForm(current);
    expect(form.endpoint).toBe('');
    expect(form.cpus).toBe('');
    expect(form.pids).toBe('4096');
    expect(validateDockerSettingsForm(form)).toEqual({});
    expect(buildDockerPatch(form, current)).toEqual({});
  });

  it('sends only the changed fields, limits as one object, blanks as null', () => {
    const form = {
      ...dockerSettingsToForm({ ...current, endpoint: 'unix:///old.sock' }),
      endpoint: '',
      defaultImage: 'node:22',
      pullPolicy: 'Never' as const,
      warmImages: ['node:22', 'python:3.12'],
      warmPoolSize: '2',
      memoryMb: '2048',
      pids: '',
      runtime: 'runsc',
      networkMode: 'none' as const,
      caches: ['cargo' as const],
    };
    const patch = buildDockerPatch(form, { ...current, endpoint: 'unix:///old.sock' });
    expect(patch).toEqual({
      endpoint: null,
      defaultImage: 'node:22',
      pullPolicy: 'Never',
      warmImages: ['node:22', 'python:3.12'],
      warmPoolSize: 2,
      limits: { cpus: null, memoryMb: 2048, pids: null },
      runtime: 'runsc',
      networkMode: 'none',
      caches: ['cargo'],
    });
    // What the page sends is exactly what settings.update accepts.
    expect(methods['settings.update'].params.safeParse({ docker: patch }).success).toBe(true);

    const endpointOnly = buildDockerPatch({ ...dockerSettingsToForm(current), endpoint: ' tcp://10.0.0.5:2376 ' }, current);
    expect(endpointOnly).toEqual({ endpoint: 'tcp://10.0.0.5:2376' });
  });

  it('reports invalid fields', () => {
    const problems = validateDockerSettingsForm({
      ...dockerSettingsToForm(current),
      endpoint: 'docker.example:2375',
      defaultImage: '',
      warmPoolSize: '17',
      cpus: '-1',
      runtime: '',
    });
    expect(problems.endpoint).toMatch(/unix:\/\/\//);
    expect(problems.defaultImage).toBe('enter an image');
    expect(problems.warmPoolSize).toBe('must be at most 16');
    expect(problems.cpus).toBe('must be more than 0');
    expect(problems.runtime).toBeDefined();
  });
});
