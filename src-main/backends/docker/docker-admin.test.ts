import { describe, expect, it } from 'vitest';
import { normalizeImageRef } from './docker-admin.js';

describe('normalizeImageRef', () => {
  it('treats a reference without a tag as :latest, and leaves tags, ports and digests alone', () => {
    expect(normalizeImageRef('berth-agent')).toBe('berth-agent:latest');
    expect(normalizeImageRef('berth-agent:latest')).toBe('berth-agent:latest');
    expect(normalizeImageRef('registry.local:5000/team/agent')).toBe('registry.local:5000/team/agent:latest');
    expect(normalizeImageRef('registry.local:5000/team/agent:1.2')).toBe('registry.local:5000/team/agent:1.2');
    expect(normalizeImageRef('node@sha256:abc')).toBe('node@sha256:abc');
  });
});
