/**
 * Berth's local certificate authority for CONNECT-mode TLS interception.
 *
 * An ECDSA P-256 root (CA:true, pathLen 0, keyCertSign) whose NameConstraints permit only the hosts that
 * have injection rules; it is rotated (new key, new certificate, same file paths) whenever that host set
 * changes, when it nears expiry, or when its key file is found readable by others. Leaf certificates
 * (ECDSA P-256, SAN = the host, serverAuth, short validity) are minted on demand and kept in an LRU with
 * their TLS SecureContext. Built on node:crypto WebCrypto and @peculiar/x509.
 */
import { webcrypto } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import tls from 'node:tls';
import './reflect-metadata.js'; // before @peculiar/x509
import * as x509 from '@peculiar/x509';
import { Emitter, type Disposable, type Event } from '../../../src-shared/lifecycle.js';
import { err, ok, type Result } from '../../../src-shared/result.js';
import { caFiles, ensureCaDir, PRIVATE_FILE_MODE, PUBLIC_FILE_MODE, readSystemBundle, writeFileAtomic, type CaFiles } from './ca-files.js';
import { Lru } from './lru.js';
import { encodeNameConstraints, NAME_CONSTRAINTS_OID, normalizeHost } from './name-constraints.js';

/** WebCrypto from node:crypto, typed as the DOM's Crypto that @peculiar/x509 expects. */
const crypto = webcrypto as unknown as Crypto;
const EC_KEY: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
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
  cert: x509.X509Certificate;
  certPem: string;
  key: CryptoKey;
  keyId: string;
}

function randomSerial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(SERIAL_BYTES));
  bytes[0]! &= 0x7f; // positive INTEGER
  bytes[0]! |= 0x01; // and no leading zero octet to strip
  return Buffer.from(bytes).toString('hex');
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

function toPkcs8Pem(der: ArrayBuffer): string {
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

const sameBytes = (a: ArrayBuffer, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

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
    return this.root.cert.notAfter;
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
    const fresh = this.root.cert.notAfter.getTime() - now > CA_RENEW_BEFORE_MS;
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
   * Minting takes a few milliseconds per host, most of it in @peculiar/x509's encoder.
   */
  async warm(): Promise<void> {
    await Promise.all(this.hostSet.map((h) => this.leaf(h)));
  }

  /** A leaf for `host` from the cache, or minted now (concurrent calls for one host share the work). */
  leaf(host: string): Promise<Result<Leaf>> {
    const n = normalizeHost(host);
    if (n === null || !this.hostSet.includes(n)) return Promise.resolve(err('forbidden', `the local CA is not allowed to issue for ${host}`));
    if (this.disposed) return Promise.resolve(err('invalid_state', 'the local CA was disposed'));
    if (this.root.cert.notAfter.getTime() - Date.now() < CA_RENEW_BEFORE_MS) {
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
    certPem = fs.readFileSync(files.certPath, 'utf8');
  } catch {
    return null;
  }
  try {
    const cert = new x509.X509Certificate(certPem);
    if (cert.notAfter.getTime() - Date.now() < CA_RENEW_BEFORE_MS) return null;
    const nc = cert.getExtension(NAME_CONSTRAINTS_OID);
    if (!nc || !sameBytes(nc.value, encodeNameConstraints(hosts))) return null;
    const key = await crypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(keyPem), EC_KEY, false, ['sign']);
    // The key must belong to the certificate: sign a probe, verify with the certificate's public key.
    const probe = crypto.getRandomValues(new Uint8Array(32));
    const signature = await crypto.subtle.sign(SIGNING, key, probe);
    const publicKey = await cert.publicKey.export(EC_KEY, ['verify'], crypto);
    if (!(await crypto.subtle.verify(SIGNING, publicKey, signature, probe))) return null;
    const ski = cert.getExtension(x509.SubjectKeyIdentifierExtension);
    if (!ski) return null;
    return { cert, certPem: cert.toString('pem'), key, keyId: ski.keyId };
  } catch {
    return null;
  }
}

/** Makes a new root key and certificate for `hosts` and stores them (key first, 0600). */
async function createRoot(files: CaFiles, hosts: readonly string[]): Promise<Root> {
  const keys = await crypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify']);
  const ski = await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto);
  const now = Date.now();
  const id = Buffer.from(crypto.getRandomValues(new Uint8Array(4))).toString('hex');
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerial(),
      name: [{ CN: [`Berth local CA ${id}`] }, { O: ['Berth'] }, { OU: [os.hostname()] }],
      notBefore: new Date(now - BACKDATE_MS),
      notAfter: new Date(now + CA_VALIDITY_MS),
      signingAlgorithm: SIGNING,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        ski,
        new x509.AuthorityKeyIdentifierExtension(ski.keyId, false),
        new x509.Extension(NAME_CONSTRAINTS_OID, true, encodeNameConstraints(hosts)),
      ],
    },
    crypto,
  );
  const certPem = cert.toString('pem');
  writeFileAtomic(files.keyPath, toPkcs8Pem(await crypto.subtle.exportKey('pkcs8', keys.privateKey)), PRIVATE_FILE_MODE);
  writeFileAtomic(files.certPath, `${certPem}\n`, PUBLIC_FILE_MODE);
  return { cert, certPem, key: keys.privateKey, keyId: ski.keyId };
}

function writeBundle(files: CaFiles, certPem: string, candidates?: readonly string[]): void {
  writeFileAtomic(files.bundlePath, `${readSystemBundle(candidates)}${certPem}\n`, PUBLIC_FILE_MODE);
}

/** Mints a leaf for a normalized host under `root`. */
async function mintLeaf(root: Root, host: string): Promise<Leaf> {
  const keys = await crypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify']);
  const now = Date.now();
  const notAfter = new Date(Math.min(now + LEAF_VALIDITY_MS, root.cert.notAfter.getTime()));
  const isIp = net.isIP(host) !== 0;
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerial(),
      // An IP leaf gets no CN: OpenSSL checks a CN against the DNS constraints when no DNS SAN exists.
      subject: isIp ? [{ O: ['Berth'] }] : [{ CN: [host] }],
      issuer: root.cert.subjectName,
      notBefore: new Date(now - BACKDATE_MS),
      notAfter,
      signingAlgorithm: SIGNING,
      publicKey: keys.publicKey,
      signingKey: root.key,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
        new x509.SubjectAlternativeNameExtension([{ type: isIp ? 'ip' : 'dns', value: host }], false),
        new x509.AuthorityKeyIdentifierExtension(root.keyId, false),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  const certPem = cert.toString('pem');
  const keyPem = toPkcs8Pem(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
  return { host, certPem, keyPem, secureContext: tls.createSecureContext({ cert: certPem, key: keyPem }), notAfter };
}
