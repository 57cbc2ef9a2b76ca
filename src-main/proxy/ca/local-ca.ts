/**
 * Berth's local certificate authority for CONNECT-mode TLS interception.
 *
 * An ECDSA P-256 root (CA:true, pathLen 0, keyCertSign) whose NameConstraints permit only the hosts that
 * have injection rules; it is rotated (new key, new certificate, same file paths) whenever that host set
 * changes, when it nears expiry, or when its key file is found readable by others. Leaf certificates
 * (ECDSA P-256, SAN = the host, serverAuth, short validity) are minted on demand and kept in an LRU with
 * their TLS SecureContext. Built on node:crypto (keys, signatures, parsing) and certificate.ts (DER).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import tls from 'node:tls';
import { Emitter, type Disposable, type Event } from '../../../src-shared/lifecycle.js';
import { err, ok, type Result } from '../../../src-shared/result.js';
import { caFiles, ensureCaDir, PRIVATE_FILE_MODE, PUBLIC_FILE_MODE, readSystemBundle, writeFileAtomic, type CaFiles } from './ca-files.js';
import { createCertificate, distinguishedName, extensions, generateKeyPair, keyIdentifier, KEY_USAGE, OID, parseCertificate } from './certificate.js';
import { readElement } from './der.js';
import { Lru } from './lru.js';
import { encodeNameConstraints, normalizeHost } from './name-constraints.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Root validity: a year; rotated earlier when the host set changes. */
const CA_VALIDITY_MS = 365 * DAY_MS;
/** Rotate the root when less than this is left. */
const CA_RENEW_BEFORE_MS = 30 * DAY_MS;
/** Leaf validity: short, since leaves live only in memory and are minted in about a millisecond. */
const LEAF_VALIDITY_MS = 2 * DAY_MS;
/** Re-mint a cached leaf when less than this is left. */
const LEAF_RENEW_BEFORE_MS = HOUR_MS;
/** Certificates start this far in the past, for clients whose clock runs a little behind. */
const BACKDATE_MS = HOUR_MS;
/** Default number of leaves kept in memory. */
const DEFAULT_LEAF_CACHE = 256;
/** Random serial number length (RFC 5280 allows up to 20 octets; CA/B forum wants ≥ 64 bits of entropy). */
const SERIAL_BYTES = 16;

/** A leaf certificate for one host, ready for a TLS server. */
export interface Leaf {
  readonly host: string;
  readonly certPem: string;
  readonly keyPem: string;
  readonly secureContext: tls.SecureContext;
  readonly notAfter: Date;
}

export interface LocalCaOptions {
  /** Directory for the key, certificate and bundle (created 0700 when missing). */
  dir: string;
  /** Hosts with injection rules: DNS names or IP literals. Invalid entries make `open` fail. */
  hosts: readonly string[];
  /** Leaves kept in memory (LRU). */
  leafCacheSize?: number;
  /** System bundle files to prepend to the combined bundle (first existing wins). */
  systemBundleCandidates?: readonly string[];
}

interface Root {
  certPem: string;
  notAfter: Date;
  /** The root's subject (DER), the issuer of every leaf. */
  subject: Buffer;
  key: crypto.KeyObject;
  keyId: Buffer;
}

function randomSerial(): Buffer {
  const bytes = crypto.randomBytes(SERIAL_BYTES);
  bytes[0]! &= 0x7f; // positive INTEGER
  bytes[0]! |= 0x01; // and no leading zero octet to strip
  return bytes;
}

function normalizeAll(hosts: readonly string[]): Result<string[]> {
  const out = new Set<string>();
  for (const h of hosts) {
    const n = normalizeHost(h);
    if (n === null) return err('bad_request', `not a host name or IP address: ${JSON.stringify(h)}`);
    out.add(n);
  }
  return ok([...out].sort());
}

const pkcs8Pem = (key: crypto.KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }) as string;

/**
 * The local CA: rotates its root with the rule hosts and mints cached leaves for them.
 *
 * Open with `LocalCa.open`; `files` are stable paths, so sessions keep pointing at the same files across
 * rotations (processes that read the CA once at start, like Node, trust a new root only after a restart).
 */
export class LocalCa implements Disposable {
  private readonly onDidRotateEmitter = new Emitter<void>();
  /** Fires after the root was replaced (new host set, expiry); leaves minted before are dropped. */
  readonly onDidRotate: Event<void> = this.onDidRotateEmitter.event;
  readonly files: CaFiles;
  private readonly leaves: Lru<string, Leaf>;
  private readonly pending = new Map<string, Promise<Result<Leaf>>>();
  private generation = 0;
  private disposed = false;

  private constructor(
    private readonly options: LocalCaOptions,
    private root: Root,
    private hostSet: readonly string[],
  ) {
    this.files = caFiles(options.dir);
    this.leaves = new Lru(options.leafCacheSize ?? DEFAULT_LEAF_CACHE);
  }

  /** Loads the CA from `dir` when it is intact and fits `hosts`, else makes a new one; writes the bundle. */
  static async open(options: LocalCaOptions): Promise<Result<LocalCa>> {
    const hosts = normalizeAll(options.hosts);
    if (!hosts.ok) return hosts;
    try {
      ensureCaDir(options.dir);
      const files = caFiles(options.dir);
      const root = (await loadRoot(files, hosts.value)) ?? (await createRoot(files, hosts.value));
      writeBundle(files, root.certPem, options.systemBundleCandidates);
      const ca = new LocalCa(options, root, hosts.value);
      void ca.warm();
      return ok(ca);
    } catch (error) {
      return err('internal', `local CA in ${options.dir}: ${(error as Error).message}`);
    }
  }

  /** The root certificate (PEM). */
  get certPem(): string {
    return this.root.certPem;
  }

  /** The normalized rule hosts the root is constrained to. */
  get hosts(): readonly string[] {
    return this.hostSet;
  }

  /** The root's expiry. */
  get notAfter(): Date {
    return this.root.notAfter;
  }

  /** Whether the CA may mint a leaf for `host` (exactly one of the rule hosts). */
  permits(host: string): boolean {
    const n = normalizeHost(host);
    return n !== null && this.hostSet.includes(n);
  }

  /** Replaces the rule host set; rotates the root when the set changed. Returns whether it rotated. */
  async setHosts(hosts: readonly string[]): Promise<Result<boolean>> {
    const next = normalizeAll(hosts);
    if (!next.ok) return next;
    const now = Date.now();
    const fresh = this.root.notAfter.getTime() - now > CA_RENEW_BEFORE_MS;
    if (fresh && next.value.join('\n') === this.hostSet.join('\n')) return ok(false);
    try {
      const root = await createRoot(this.files, next.value);
      writeBundle(this.files, root.certPem, this.options.systemBundleCandidates);
      this.root = root;
      this.hostSet = next.value;
      this.generation++;
      this.leaves.clear();
      this.pending.clear();
      this.onDidRotateEmitter.fire();
      void this.warm();
      return ok(true);
    } catch (error) {
      return err('internal', `rotating the local CA: ${(error as Error).message}`);
    }
  }

  /**
   * Mints leaves for every rule host ahead of the first CONNECT (started by `open` and each rotation).
   * Minting takes well under a millisecond per host (a P-256 key and one signature).
   */
  async warm(): Promise<void> {
    await Promise.all(this.hostSet.map((h) => this.leaf(h)));
  }

  /** A leaf for `host` from the cache, or minted now (concurrent calls for one host share the work). */
  leaf(host: string): Promise<Result<Leaf>> {
    const n = normalizeHost(host);
    if (n === null || !this.hostSet.includes(n)) return Promise.resolve(err('forbidden', `the local CA is not allowed to issue for ${host}`));
    if (this.disposed) return Promise.resolve(err('invalid_state', 'the local CA was disposed'));
    if (this.root.notAfter.getTime() - Date.now() < CA_RENEW_BEFORE_MS) {
      // Rotate first (same hosts), then mint from the new root.
      return this.setHosts(this.hostSet).then((r) => (r.ok ? this.leaf(n) : r));
    }
    const cached = this.leaves.get(n);
    if (cached && cached.notAfter.getTime() - Date.now() > LEAF_RENEW_BEFORE_MS) return Promise.resolve(ok(cached));
    const inFlight = this.pending.get(n);
    if (inFlight) return inFlight;
    const generation = this.generation;
    const p = mintLeaf(this.root, n).then(
      (leaf): Result<Leaf> => {
        if (this.generation === generation) {
          this.pending.delete(n);
          this.leaves.set(n, leaf);
        }
        return ok(leaf);
      },
      (error: unknown): Result<Leaf> => {
        if (this.generation === generation) this.pending.delete(n);
        return err('internal', `minting a certificate for ${n}: ${(error as Error).message}`);
      },
    );
    this.pending.set(n, p);
    return p;
  }

  dispose(): void {
    this.disposed = true;
    this.generation++;
    this.leaves.clear();
    this.pending.clear();
    this.onDidRotateEmitter.dispose();
  }
}

/** The stored root, or null when missing, unreadable, too open, expiring, or constrained to other hosts. */
async function loadRoot(files: CaFiles, hosts: readonly string[]): Promise<Root | null> {
  let keyPem: string;
  let certPem: string;
  try {
    const st = fs.statSync(files.keyPath);
    if ((st.mode & 0o077) !== 0 || st.uid !== process.getuid?.()) return null; // exposed: rotate
    keyPem = fs.readFileSync(files.keyPath, 'utf8');
    certPem = fs.readFileSync(files.certPath, 'utf8').trim();
  } catch {
    return null;
  }
  try {
    const cert = new crypto.X509Certificate(certPem);
    const notAfter = new Date(cert.validTo);
    if (notAfter.getTime() - Date.now() < CA_RENEW_BEFORE_MS) return null;
    const parsed = parseCertificate(cert.raw);
    const nc = parsed.extensions.get(OID.nameConstraints);
    if (!nc || !nc.value.equals(encodeNameConstraints(hosts))) return null;
    // The key must belong to the certificate.
    const key = crypto.createPrivateKey(keyPem);
    if (!cert.checkPrivateKey(key)) return null;
    const ski = parsed.extensions.get(OID.subjectKeyIdentifier);
    if (!ski) return null;
    return { certPem, notAfter, subject: parsed.subject, key, keyId: readElement(ski.value).content };
  } catch {
    return null;
  }
}

/** Makes a new root key and certificate for `hosts` and stores them (key first, 0600). */
async function createRoot(files: CaFiles, hosts: readonly string[]): Promise<Root> {
  const { publicKey, privateKey } = generateKeyPair();
  const keyId = keyIdentifier(publicKey);
  const now = Date.now();
  const id = crypto.randomBytes(4).toString('hex');
  const subject = distinguishedName([
    [OID.commonName, `Berth local CA ${id}`],
    [OID.organization, 'Berth'],
    [OID.organizationalUnit, os.hostname()],
  ]);
  const notAfter = new Date(now + CA_VALIDITY_MS);
  const certPem = createCertificate({
    serial: randomSerial(),
    issuer: subject,
    subject,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter,
    publicKey,
    signingKey: privateKey,
    extensions: [
      extensions.basicConstraints(true, 0),
      extensions.keyUsage([KEY_USAGE.keyCertSign, KEY_USAGE.cRLSign]),
      extensions.subjectKeyIdentifier(keyId),
      extensions.authorityKeyIdentifier(keyId),
      { oid: OID.nameConstraints, critical: true, value: encodeNameConstraints(hosts) },
    ],
  });
  writeFileAtomic(files.keyPath, pkcs8Pem(privateKey), PRIVATE_FILE_MODE);
  writeFileAtomic(files.certPath, `${certPem}\n`, PUBLIC_FILE_MODE);
  // The validity as written (whole seconds), so a reopened root compares equal.
  return { certPem, notAfter: new Date(Math.floor(notAfter.getTime() / 1000) * 1000), subject, key: privateKey, keyId };
}

function writeBundle(files: CaFiles, certPem: string, candidates?: readonly string[]): void {
  writeFileAtomic(files.bundlePath, `${readSystemBundle(candidates)}${certPem}\n`, PUBLIC_FILE_MODE);
}

/** Mints a leaf for a normalized host under `root`. */
async function mintLeaf(root: Root, host: string): Promise<Leaf> {
  const { publicKey, privateKey } = generateKeyPair();
  const now = Date.now();
  const notAfter = new Date(Math.min(now + LEAF_VALIDITY_MS, root.notAfter.getTime()));
  const isIp = net.isIP(host) !== 0;
  const certPem = createCertificate({
    serial: randomSerial(),
    issuer: root.subject,
    // An IP leaf gets no CN: OpenSSL checks a CN against the DNS constraints when no DNS SAN exists.
    subject: distinguishedName(isIp ? [[OID.organization, 'Berth']] : [[OID.commonName, host]]),
    notBefore: new Date(now - BACKDATE_MS),
    notAfter,
    publicKey,
    signingKey: root.key,
    extensions: [
      extensions.basicConstraints(false),
      extensions.keyUsage([KEY_USAGE.digitalSignature]),
      extensions.serverAuth(),
      extensions.subjectAltName(host),
      extensions.authorityKeyIdentifier(root.keyId),
      extensions.subjectKeyIdentifier(keyIdentifier(publicKey)),
    ],
  });
  const keyPem = pkcs8Pem(privateKey);
  return { host, certPem, keyPem, secureContext: tls.createSecureContext({ cert: certPem, key: keyPem }), notAfter };
}
