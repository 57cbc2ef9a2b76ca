import { describe, expect, it } from 'vitest';
import { CreateSessionParams } from '../../../src-shared/contract.js';
import { buildCreateParams, EMPTY_FORM, validateForm } from './create-form.js';
import { buildDockerOptions, EMPTY_DOCKER_FORM, validateDockerForm } from './docker-options.js';

const capabilities = { isolation: 'container', persistsAcrossRestart: true, resourceLimits: true, egressContainment: false } as const;
const dockerBackend = { id: 'docker', name: 'Docker', description: '', available: true, reason: null, capabilities } as const;
const shell = { id: 'shell', name: 'Shell', description: '', executable: 'bash', available: true, reason: null, supportsModel: false } as const;

describe('docker create options', () => {
  it('leaves every unset field out (the server applies Settings → Docker)', () => {
    expect(buildDockerOptions(EMPTY_DOCKER_FORM)).toBeUndefined();
    expect(buildDockerOptions({ ...EMPTY_DOCKER_FORM, image: '  ', cpus: ' ' })).toBeUndefined();
  });

  it('turns the fields into the request payload the contract accepts', () => {
    const options = buildDockerOptions({
      image: ' node:22 ',
      pullPolicy: 'Always',
      volumeMode: 'volume',
      cpus: '1.5',
      memoryMb: '2048',
      pids: '512',
      runtime: 'runsc',
      caches: ['npm', 'cargo'],
      networkMode: 'bridge',
    });
    expect(options).toEqual({
      image: 'node:22',
      pullPolicy: 'Always',
      volumeMode: 'volume',
      cpus: 1.5,
      memoryMb: 2048,
      pids: 512,
      runtime: 'runsc',
      caches: ['npm', 'cargo'],
      networkMode: 'bridge',
    });
    // An explicit empty cache list (no caches) is different from the default.
    expect(buildDockerOptions({ ...EMPTY_DOCKER_FORM, caches: [] })).toEqual({ caches: [] });
  });

  it('checks fields against the contract with readable messages', () => {
    expect(validateDockerForm(EMPTY_DOCKER_FORM)).toEqual({});
    const problems = validateDockerForm({
      ...EMPTY_DOCKER_FORM,
      image: 'bad image',
      cpus: '0',
      memoryMb: '1.5',
      pids: '3',
      runtime: 'run c',
    });
    expect(problems.image).toMatch(/^use an image reference like node:22/);
    expect(problems.cpus).toBe('must be more than 0');
    expect(problems.memoryMb).toBe('must be a whole number');
    expect(problems.pids).toBe('must be at least 8');
    expect(problems.runtime).toBeDefined();
    expect(validateDockerForm({ ...EMPTY_DOCKER_FORM, memoryMb: 'lots' }).memoryMb).toBe('enter a number');
  });

  it('sends docker options only with the Docker backend, and blocks submit on bad ones', () => {
    const form = { ...EMPTY_FORM, repoPath: '/r', agent: 'shell' as const, prompt: 'ls', docker: { ...EMPTY_DOCKER_FORM, memoryMb: '512' } };
    const docker = buildCreateParams({ ...form, backend: 'docker' }, false);
    expect(docker).toEqual({ repoPath: '/r', agent: 'shell', backend: 'docker', prompt: 'ls', docker: { memoryMb: 512 } });
    expect(CreateSessionParams.safeParse(docker).success).toBe(true);
    expect(buildCreateParams({ ...form, backend: 'local' }, false)).not.toHaveProperty('docker');
    expect(buildCreateParams({ ...form, backend: 'docker', docker: EMPTY_DOCKER_FORM }, false)).not.toHaveProperty('docker');

    const bad = { ...form, backend: 'docker' as const, docker: { ...EMPTY_DOCKER_FORM, pids: '2' } };
    expect(validateForm(bad, shell, dockerBackend).docker).toBe('fix the Docker options');
    expect(validateForm({ ...bad, backend: 'local' }, shell, { ...dockerBackend, id: 'local' }).docker).toBeUndefined();
  });
});
