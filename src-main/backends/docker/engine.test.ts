import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../testing/fixtures.js';
import { dockerOptions, DockerEngine, describeEndpoint } from './engine.js';

describe('Docker endpoint settings', () => {
  it('resolves the endpoint from settings, then DOCKER_HOST, then the default socket', () => {
    expect(describeEndpoint({ endpoint: 'unix:///a.sock', tlsCertPath: null }, { DOCKER_HOST: 'tcp://h:1' })).toBe('unix:///a.sock');
    expect(describeEndpoint({ endpoint: null, tlsCertPath: null }, { DOCKER_HOST: 'tcp://h:1' })).toBe('tcp://h:1');
    expect(describeEndpoint({ endpoint: null, tlsCertPath: null }, {})).toBe('unix:///var/run/docker.sock');
  });

  it('turns unix, tcp and tcp+TLS endpoints into client options, and refuses others clearly', () => {
    expect(dockerOptions({ endpoint: 'unix:///run/x.sock', tlsCertPath: null }, {})).toEqual({ ok: true, value: { socketPath: '/run/x.sock' } });
    expect(dockerOptions({ endpoint: 'tcp://10.0.0.5:2375', tlsCertPath: null }, {})).toEqual({ ok: true, value: { host: '10.0.0.5', port: 2375, protocol: 'http' } });
    const certs = tempDir('berth-certs-');
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) fs.writeFileSync(path.join(certs, f), `${f}-content`);
    const tls = dockerOptions({ endpoint: 'tcp://engine.internal:2376', tlsCertPath: certs }, {});
    expect(tls.ok && tls.value).toMatchObject({ host: 'engine.internal', port: 2376, protocol: 'https' });
    expect(tls.ok && String(tls.value.ca)).toBe('ca.pem-content');
    const missing = dockerOptions({ endpoint: 'tcp://e:2376', tlsCertPath: path.join(certs, 'nope') }, {});
    expect(!missing.ok && missing.error.message).toContain('cannot read the TLS certificates');
    const bad = dockerOptions({ endpoint: 'ftp://e', tlsCertPath: null }, {});
    expect(!bad.ok && bad.error.message).toContain('unsupported Docker endpoint');
  });

  it('an unreachable engine is reported with the endpoint and the fix', async () => {
    const engine = new DockerEngine(() => ({ endpoint: 'unix:///nonexistent/berth.sock', tlsCertPath: null }), {});
    const probe = await engine.probe();
    expect(probe.ok).toBe(false);
    if (!probe.ok) {
      expect(probe.error.message).toContain('Docker is not reachable at unix:///nonexistent/berth.sock (no socket there)');
      expect(probe.error.message).toContain('Settings → Docker');
    }
  });
});
