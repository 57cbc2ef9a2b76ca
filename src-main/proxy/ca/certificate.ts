/**
 * X.509 v3 certificates for Berth's local CA, on node:crypto alone: ECDSA P-256 keys, ecdsa-with-SHA256
 * signatures, the extensions the CA and its leaves need (RFC 5280 §4.2), written in DER by der.ts.
 *
 * node:crypto generates the keys, exports the SubjectPublicKeyInfo, signs, and parses certificates
 * (X509Certificate); it has no certificate writer, and the general-purpose libraries for that
 * (@peculiar/x509 with its ASN.1 and dependency-injection packages) cost the orchestrator ~25 packages
 * and several MB of memory for these few structures.
 */
import crypto from 'node:crypto';
import net from 'node:net';
import { ipBytes } from './name-constraints.js';
import { bitString, boolean, children, namedBits, octetString, oid, readElement, readOid, sequence, set, smallInteger, tlv, time, unsignedInteger, utf8String, TAG } from './der.js';

/** Algorithm and extension OIDs (RFC 5480, RFC 5280). */
export const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

/** KeyUsage bit numbers (RFC 5280 §4.2.1.3). */
export const KEY_USAGE = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 } as const;

/** One extension: its OID, criticality and DER value. */
export interface Extension {
  oid: string;
  critical: boolean;
  value: Uint8Array;
}

/** An ECDSA P-256 key pair. */
export function generateKeyPair(): crypto.KeyPairKeyObjectResult {
  return crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

/** The subject key identifier of a public key: SHA-1 of its subjectPublicKey bits (RFC 5280 §4.2.1.2, method 1). */
export function keyIdentifier(publicKey: crypto.KeyObject): Buffer {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const [, subjectPublicKey] = children(readElement(spki).content);
  // BIT STRING content: one unused-bits byte, then the key.
  return crypto.createHash('sha1').update(subjectPublicKey!.content.subarray(1)).digest();
}

/** A distinguished name from (OID, value) attributes, one per RDN, in order. */
export function distinguishedName(attributes: readonly (readonly [string, string])[]): Buffer {
  return sequence(...attributes.map(([type, value]) => set(sequence(oid(type), utf8String(value)))));
}

const extension = (e: Extension) => sequence(oid(e.oid), ...(e.critical ? [boolean(true)] : []), octetString(e.value));

/** The extensions Berth's certificates use, with their DER values. */
export const extensions = {
  basicConstraints: (ca: boolean, pathLength?: number): Extension => ({
    oid: OID.basicConstraints,
    critical: true,
    value: ca ? sequence(boolean(true), ...(pathLength === undefined ? [] : [smallInteger(pathLength)])) : sequence(),
  }),
  keyUsage: (bits: readonly number[]): Extension => ({ oid: OID.keyUsage, critical: true, value: namedBits(bits) }),
  serverAuth: (): Extension => ({ oid: OID.extKeyUsage, critical: false, value: sequence(oid(OID.serverAuth)) }),
  subjectAltName: (host: string): Extension => ({
    oid: OID.subjectAltName,
    critical: false,
    value: sequence(net.isIP(host) === 0 ? tlv(TAG.DNS_NAME, Buffer.from(host, 'ascii')) : tlv(TAG.IP_ADDRESS, Buffer.from(ipBytes(host)))),
  }),
  subjectKeyIdentifier: (id: Uint8Array): Extension => ({ oid: OID.subjectKeyIdentifier, critical: false, value: octetString(id) }),
  authorityKeyIdentifier: (id: Uint8Array): Extension => ({ oid: OID.authorityKeyIdentifier, critical: false, value: sequence(tlv(TAG.KEY_IDENTIFIER, id)) }),
};

/** What goes into one certificate. */
export interface CertificateSpec {
  serial: Uint8Array;
  issuer: Buffer;
  subject: Buffer;
  notBefore: Date;
  notAfter: Date;
  publicKey: crypto.KeyObject;
  extensions: readonly Extension[];
  /** The issuer's private key (the subject's own for a self-signed root). */
  signingKey: crypto.KeyObject;
}

/** A signed certificate as PEM. */
export function createCertificate(spec: CertificateSpec): string {
  const algorithm = sequence(oid(OID.ecdsaWithSha256));
  const tbs = sequence(
    tlv(TAG.CONTEXT_0, smallInteger(2)), // v3
    unsignedInteger(spec.serial),
    algorithm,
    spec.issuer,
    sequence(time(spec.notBefore), time(spec.notAfter)),
    spec.subject,
    spec.publicKey.export({ type: 'spki', format: 'der' }),
    tlv(TAG.CONTEXT_3, sequence(...spec.extensions.map(extension))),
  );
  // ECDSA signatures come DER-encoded (Ecdsa-Sig-Value) from node:crypto by default.
  const signature = crypto.sign('sha256', tbs, spec.signingKey);
  const der = sequence(tbs, algorithm, bitString(signature));
  const base64 = der.toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${base64.endsWith('\n') ? base64 : `${base64}\n`}-----END CERTIFICATE-----`;
}

/** The parts of a certificate the CA reads back. */
export interface ParsedCertificate {
  subject: Buffer;
  extensions: Map<string, { critical: boolean; value: Buffer }>;
}

/** Subject and extensions of a DER certificate (throws on malformed input). */
export function parseCertificate(der: Buffer): ParsedCertificate {
  const [tbs] = children(readElement(der).content);
  const fields = children(tbs!.content);
  // version [0], serial, signature, issuer, validity, subject, subjectPublicKeyInfo, then optional parts.
  const offset = fields[0]?.tag === TAG.CONTEXT_0 ? 1 : 0;
  const subject = fields[offset + 4];
  if (!subject) throw new Error('certificate without a subject');
  const out = new Map<string, { critical: boolean; value: Buffer }>();
  const wrapper = fields.find((f) => f.tag === TAG.CONTEXT_3);
  if (wrapper) {
    const [list] = children(wrapper.content);
    for (const e of children(list?.content ?? Buffer.alloc(0))) {
      const parts = children(e.content);
      const critical = parts[1]?.tag === TAG.BOOLEAN && parts[1].content[0] !== 0;
      const value = parts[parts.length - 1]!;
      out.set(readOid(parts[0]!.content), { critical, value: value.content });
    }
  }
  return { subject: subject.encoded, extensions: out };
}
