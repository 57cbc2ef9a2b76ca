import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCertificate, distinguishedName, extensions, generateKeyPair, keyIdentifier, KEY_USAGE, OID, parseCertificate } from './certificate.js';
import { namedBits, oid, readElement, readOid } from './der.js';

describe('DER certificates on node:crypto', () => {
  it('writes a certificate that node:crypto parses and verifies, and reads its subject and extensions back', () => {
    const { publicKey, privateKey } = generateKeyPair();
    const subject = distinguishedName([
      [OID.commonName, 'Bérth test'],
      [OID.organization, 'Berth'],
    ]);
    const keyId = keyIdentifier(publicKey);
    const notBefore = new Date('2026-01-01T00:00:00Z');
    // 2051: past 2049, validity switches from UTCTime to GeneralizedTime.
    const notAfter = new Date('2051-06-30T12:34:56Z');
    const pem = createCertificate({
      serial: Buffer.from([0x80, 0x01]), // high bit set: needs a leading zero to stay positive
      issuer: subject,
      subject,
      notBefore,
      notAfter,
      publicKey,
      signingKey: privateKey,
      extensions: [extensions.basicConstraints(true, 0), extensions.keyUsage([KEY_USAGE.keyCertSign, KEY_USAGE.cRLSign]), extensions.subjectKeyIdentifier(keyId), extensions.subjectAltName('::1')],
    });
    const cert = new crypto.X509Certificate(pem);
    expect(cert.subject).toBe('CN=Bérth test\nO=Berth');
    expect(cert.serialNumber).toBe('8001');
    expect(new Date(cert.validFrom).getTime()).toBe(notBefore.getTime());
    expect(new Date(cert.validTo).getTime()).toBe(notAfter.getTime());
    expect(cert.ca).toBe(true);
    expect(cert.subjectAltName).toBe('IP Address:0:0:0:0:0:0:0:1');
    expect(cert.verify(publicKey)).toBe(true);
    expect(cert.checkPrivateKey(privateKey)).toBe(true);

    const parsed = parseCertificate(cert.raw);
    expect(parsed.subject.equals(subject)).toBe(true);
    expect(parsed.extensions.get(OID.basicConstraints)?.critical).toBe(true);
    expect(parsed.extensions.get(OID.subjectAltName)?.critical).toBe(false);
    expect(readElement(parsed.extensions.get(OID.subjectKeyIdentifier)!.value).content.equals(keyId)).toBe(true);
  });

  it('encodes OIDs and named bits as X.690 says', () => {
    expect(oid('1.2.840.10045.4.3.2').toString('hex')).toBe('06082a8648ce3d040302');
    expect(readOid(oid('2.5.29.35').subarray(2))).toBe('2.5.29.35');
    // keyCertSign | cRLSign: 0b0000_0110, one unused bit; digitalSignature: 0b1000_0000, seven unused.
    expect(namedBits([KEY_USAGE.keyCertSign, KEY_USAGE.cRLSign]).toString('hex')).toBe('03020106');
    expect(namedBits([KEY_USAGE.digitalSignature]).toString('hex')).toBe('03020780');
  });
});
