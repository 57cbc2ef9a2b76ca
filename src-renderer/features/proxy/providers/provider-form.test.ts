import { describe, expect, it } from 'vitest';
import { methods } from '../../../../src-shared/contract.js';
import type { ProviderDto } from '../../../../src-shared/proxy.js';
import { AUTOMATIC_CREDENTIAL, buildProviderRequest, isPrivateUpstream, providerSaved, providerToForm, validateProviderForm } from './provider-form.js';

const ANTHROPIC: ProviderDto = { id: 'anthropic', name: 'Anthropic', upstream: 'https://api.anthropic.com', credential: 'work-key', status: 'ok', lastError: null };
const NAMES = ['anthropic', 'work-key'];

describe('provider form', () => {
  it('starts from the override when there is one, else from the list (automatic credential)', () => {
    expect(providerSaved(ANTHROPIC, undefined)).toEqual({ upstream: 'https://api.anthropic.com', credential: null, allowPrivate: false });
    const saved = providerSaved(ANTHROPIC, { id: 'anthropic', upstream: 'http://127.0.0.1:9000', credential: 'work-key', allowPrivate: true });
    expect(saved).toEqual({ upstream: 'http://127.0.0.1:9000', credential: 'work-key', allowPrivate: true });
    expect(providerToForm(providerSaved(ANTHROPIC, undefined)).credential).toBe(AUTOMATIC_CREDENTIAL);
  });

  it('accepts the saved state and asks for nothing when nothing changed', () => {
    const saved = providerSaved(ANTHROPIC, undefined);
    const form = providerToForm(saved);
    expect(validateProviderForm(form, NAMES)).toEqual({});
    expect(buildProviderRequest('anthropic', form, saved)).toBeNull();
  });

  it('checks the upstream URL like the contract does', () => {
    const form = providerToForm(providerSaved(ANTHROPIC, undefined));
    expect(validateProviderForm({ ...form, upstream: '  ' }, NAMES)).toEqual({ upstream: 'enter the upstream URL' });
    for (const bad of ['ftp://example.com', 'api.anthropic.com', 'https://user:pw@example.com', 'https://example.com/?key=1', 'https://example.com/#x', 'https://exa mple.com']) {
      expect(validateProviderForm({ ...form, upstream: bad }, NAMES).upstream, bad).toMatch(/^use an http:\/\/ or https:\/\/ URL/);
    }
    expect(validateProviderForm({ ...form, upstream: 'https://gateway.example.com/anthropic' }, NAMES)).toEqual({});
  });

  it('refuses a private upstream unless private addresses are allowed', () => {
    const form = providerToForm(providerSaved(ANTHROPIC, undefined));
    for (const url of ['http://127.0.0.1:8080', 'http://localhost:3000', 'http://10.1.2.3', 'http://192.168.1.20', 'http://172.20.0.1', 'http://[::1]:9000', 'http://169.254.169.254']) {
      expect(isPrivateUpstream(url), url).toBe(true);
      expect(validateProviderForm({ ...form, upstream: url }, NAMES).upstream, url).toMatch(/Allow private addresses/);
      expect(validateProviderForm({ ...form, upstream: url, allowPrivate: true }, NAMES), url).toEqual({});
    }
    for (const url of ['https://api.openai.com', 'http://172.32.0.1', 'http://11.0.0.1']) expect(isPrivateUpstream(url), url).toBe(false);
  });

  it('needs the chosen credential to be stored (unknown while the list is not loaded)', () => {
    const form = { ...providerToForm(providerSaved(ANTHROPIC, undefined)), credential: 'gone' };
    expect(validateProviderForm(form, NAMES)).toEqual({ credential: 'no credential named "gone" is stored: choose another or Automatic' });
    expect(validateProviderForm(form, null)).toEqual({});
    expect(validateProviderForm({ ...form, credential: 'work-key' }, NAMES)).toEqual({});
  });

  it('sends only what changed; Automatic is credential null', () => {
    const saved = providerSaved(ANTHROPIC, { id: 'anthropic', upstream: 'https://api.anthropic.com', credential: 'work-key' });
    const form = providerToForm(saved);
    const request = buildProviderRequest('anthropic', { ...form, upstream: ' http://127.0.0.1:4010 ', allowPrivate: true }, saved);
    expect(request).toEqual({ id: 'anthropic', upstream: 'http://127.0.0.1:4010', allowPrivate: true });
    expect(buildProviderRequest('anthropic', { ...form, credential: AUTOMATIC_CREDENTIAL }, saved)).toEqual({ id: 'anthropic', credential: null });
    expect(buildProviderRequest('anthropic', { ...form, credential: 'anthropic' }, saved)).toEqual({ id: 'anthropic', credential: 'anthropic' });
    // What the form sends is exactly what providers.set accepts.
    expect(methods['providers.set'].params.safeParse(request).success).toBe(true);
  });
});
