import { execFile, execFileSync } from 'node:child_process';
import { webcrypto, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
// @peculiar/x509 (an independent reader of what the CA writes) needs the Reflect polyfill first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { describe, expect, it } from 'vitest';
import { engineAvailable, tempDir } from '../../testing/fixtures.js';
import { CA_BUNDLE_FILE, sessionCaEnv } from './ca-files.js';
import { LocalCa } from './local-ca.js';
import { EMPTY_SET_PLACEHOLDER } from './name-constraints.js';

const execFileP = promisify(execFile);
const crypto = webcrypto as unknown as Crypto;
const HOSTS = ['api.github.com', 'registry.npmjs.org', '127.0.0.1', '::1'];

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

async function openCa(dir = tempDir('berth-ca-'), hosts: readonly string[] = HOSTS): Promise<LocalCa> {
  const r = await LocalCa.open({ dir, hosts, systemBundleCandidates: [path.join(dir, 'no-such-bundle'), '/etc/ssl/certs/ca-certificates.crt'] });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** `openssl verify` of `leafPem` against `caPem`: resolves with the output, rejects with it on failure. */
async function opensslVerify(caPem: string, leafPem: string, extra: string[] = []): Promise<{ ok: boolean; output: string }> {
  const dir = tempDir('berth-verify-');
  fs.writeFileSync(path.join(dir, 'ca.pem'), caPem);
  fs.writeFileSync(path.join(dir, 'leaf.pem'), leafPem);
  try {
    const { stdout, stderr } = await execFileP('openssl', ['verify', '-x509_strict', '-purpose', 'sslserver', ...extra, '-CAfile', path.join(dir, 'ca.pem'), path.join(dir, 'leaf.pem')]);
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** A leaf for `host` signed with the CA's stored key, bypassing LocalCa's own host check. */
async function forgeLeaf(ca: LocalCa, host: string): Promise<string> {
  const keyPem = fs.readFileSync(ca.files.keyPath, 'utf8');
  const signingKey = await crypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(keyPem), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const caCert = new x509.X509Certificate(ca.certPem);
  const isIp = /^[0-9.]+$/.test(host);
  const cert = await x509.X509CertificateGenerator.create(
    {
      subject: isIp ? 'O=Evil' : `CN=${host}`,
      issuer: caCert.subjectName,
      publicKey: keys.publicKey,
      signingKey,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([{ type: isIp ? 'ip' : 'dns', value: host }]),
        new x509.AuthorityKeyIdentifierExtension(caCert.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return cert.toString('pem');
}

describe('LocalCa', () => {
  it('writes a 0600 PKCS#8 key, a readable certificate and a bundle of system CAs + the Berth CA', async () => {
    const ca = await openCa();
    try {
      expect(fs.statSync(ca.files.keyPath).mode & 0o777).toBe(0o600);
      expect(fs.statSync(ca.files.certPath).mode & 0o777).toBe(0o644);
      expect(fs.readFileSync(ca.files.keyPath, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
      const bundle = fs.readFileSync(ca.files.bundlePath, 'utf8');
      expect(bundle.trimEnd().endsWith(ca.certPem.trimEnd())).toBe(true);
      if (fs.existsSync('/etc/ssl/certs/ca-certificates.crt')) {
        expect(bundle.startsWith(fs.readFileSync('/etc/ssl/certs/ca-certificates.crt', 'utf8').slice(0, 200))).toBe(true);
      }
      expect(path.basename(ca.files.bundlePath)).toBe(CA_BUNDLE_FILE);
      expect(sessionCaEnv('/ca/cert.pem', '/ca/bundle.pem')).toEqual({
        NODE_EXTRA_CA_CERTS: '/ca/cert.pem',
        SSL_CERT_FILE: '/ca/bundle.pem',
        GIT_SSL_CAINFO: '/ca/bundle.pem',
        REQUESTS_CA_BUNDLE: '/ca/bundle.pem',
        CURL_CA_BUNDLE: '/ca/bundle.pem',
      });
    } finally {
      ca.dispose();
    }
  });

  it('is an ECDSA P-256 root: CA:true pathLen 0, keyCertSign, critical name constraints', async () => {
    const ca = await openCa();
    try {
      const cert = new x509.X509Certificate(ca.certPem);
      const bc = cert.getExtension(x509.BasicConstraintsExtension)!;
      expect([bc.ca, bc.pathLength, bc.critical]).toEqual([true, 0, true]);
      expect(cert.getExtension(x509.KeyUsagesExtension)!.usages & x509.KeyUsageFlags.keyCertSign).toBeTruthy();
      expect(cert.publicKey.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
      expect(cert.getExtension('2.5.29.30')!.critical).toBe(true);
      expect(await cert.verify({ signatureOnly: true }, crypto)).toBe(true);
    } finally {
      ca.dispose();
    }
  });

  it('mints leaves that verify for rule hosts and whose name constraints OpenSSL enforces', async (ctx) => {
    const ca = await openCa();
    try {
      const leaf = await ca.leaf('API.GitHub.com');
      if (!leaf.ok) throw new Error(leaf.error.message);
      const cert = new X509Certificate(leaf.value.certPem);
      expect(cert.subjectAltName).toBe('DNS:api.github.com');
      expect(cert.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
      expect(cert.ca).toBe(false);
      expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
      expect(new Date(cert.validTo).getTime() - Date.now()).toBeLessThanOrEqual(3 * 86_400_000);
      // Cached: the same leaf object comes back; concurrent calls share one mint.
      const again = await ca.leaf('api.github.com');
      expect(again.ok && again.value).toBe(leaf.value);
      const [a, b] = await Promise.all([ca.leaf('registry.npmjs.org'), ca.leaf('registry.npmjs.org')]);
      expect(a.ok && b.ok && a.value === b.value).toBe(true);
      // The CA refuses to mint for hosts without a rule.
      expect(await ca.leaf('example.com')).toMatchObject({ ok: false, error: { code: 'forbidden' } });

      if (!engineAvailable('openssl', hasOpenssl(), 'openssl verify checks name constraints')) return ctx.skip();
      expect(await opensslVerify(ca.certPem, leaf.value.certPem, ['-verify_hostname', 'api.github.com'])).toMatchObject({ ok: true });
      const ipLeaf = await ca.leaf('127.0.0.1');
      expect(ipLeaf.ok && (await opensslVerify(ca.certPem, ipLeaf.value.certPem, ['-verify_ip', '127.0.0.1']))).toMatchObject({ ok: true });
      const v6Leaf = await ca.leaf('[::1]');
      expect(v6Leaf.ok && (await opensslVerify(ca.certPem, v6Leaf.value.certPem))).toMatchObject({ ok: true });
      // A leaf for another host, even signed with the CA's own key, fails the name constraints.
      for (const host of ['evil.example', 'github.com', '10.0.0.1']) {
        const forged = await opensslVerify(ca.certPem, await forgeLeaf(ca, host));
        expect(forged.ok, host).toBe(false);
        expect(forged.output).toMatch(/subtree violation|excluded subtree/);
      }
    } finally {
      ca.dispose();
    }
  });

  it('keeps the root when reopened with the same hosts and rotates it when the set changes', async () => {
    const dir = tempDir('berth-ca-');
    const first = await openCa(dir);
    const pem = first.certPem;
    first.dispose();
    const same = await openCa(dir, [...HOSTS].reverse());
    expect(same.certPem).toBe(pem);
    let rotations = 0;
    same.onDidRotate(() => rotations++);
    const before = await same.leaf('api.github.com');
    expect(await same.setHosts(HOSTS)).toEqual({ ok: true, value: false });
    expect(await same.setHosts([...HOSTS, 'git.example'])).toEqual({ ok: true, value: true });
    expect(rotations).toBe(1);
    expect(same.certPem).not.toBe(pem);
    expect(fs.readFileSync(same.files.certPath, 'utf8').trim()).toBe(same.certPem.trim());
    const after = await same.leaf('api.github.com');
    expect(before.ok && after.ok && before.value !== after.value).toBe(true);
    expect(after.ok && new X509Certificate(after.value.certPem).checkIssued(new X509Certificate(same.certPem))).toBe(true);
    same.dispose();
    const changed = await openCa(dir, ['only.example']);
    expect(changed.certPem).not.toBe(same.certPem);
    expect(changed.permits('only.example')).toBe(true);
    expect(changed.permits('api.github.com')).toBe(false);
    changed.dispose();
  });

  it('rotates a root whose key file others can read', async () => {
    const dir = tempDir('berth-ca-');
    const first = await openCa(dir);
    first.dispose();
    fs.chmodSync(first.files.keyPath, 0o644);
    const second = await openCa(dir);
    expect(second.certPem).not.toBe(first.certPem);
    expect(fs.statSync(second.files.keyPath).mode & 0o777).toBe(0o600);
    second.dispose();
  });

  it('refuses invalid hosts and constrains an empty host set to a placeholder', async (ctx) => {
    expect(await LocalCa.open({ dir: tempDir('berth-ca-'), hosts: ['bad host'] })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const empty = await openCa(tempDir('berth-ca-'), []);
    try {
      expect(new x509.X509Certificate(empty.certPem).getExtension('2.5.29.30')).not.toBeNull();
      expect(Buffer.from(new x509.X509Certificate(empty.certPem).getExtension('2.5.29.30')!.value).includes(EMPTY_SET_PLACEHOLDER)).toBe(true);
      expect(await empty.leaf(EMPTY_SET_PLACEHOLDER)).toMatchObject({ ok: false });
      if (!engineAvailable('openssl', hasOpenssl(), 'openssl verify checks name constraints')) return ctx.skip();
      // No IP rule host: every address is excluded.
      expect((await opensslVerify(empty.certPem, await forgeLeaf(empty, '10.0.0.1'))).output).toMatch(/excluded subtree/);
    } finally {
      empty.dispose();
    }
  });
});
