/**
 * Files of Berth's local CA and the environment that makes a session's tools trust it.
 *
 * In the caller's directory: `ca-key.pem` (PKCS#8, mode 0600, never given to a session), `ca-cert.pem`
 * (the Berth CA alone) and `ca-bundle.pem` (the system CAs followed by the Berth CA). Files are replaced
 * atomically (write a temp file, rename), so a tool reading one mid-rotation sees the old or the new one.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Private key of the CA: PKCS#8 PEM, mode 0600. */
export const CA_KEY_FILE = 'ca-key.pem';
/** The Berth CA certificate alone (for NODE_EXTRA_CA_CERTS, which adds to Node's own roots). */
export const CA_CERT_FILE = 'ca-cert.pem';
/** System CAs + the Berth CA (for variables that replace the system bundle). */
export const CA_BUNDLE_FILE = 'ca-bundle.pem';
/** Owner read/write only. */
export const PRIVATE_FILE_MODE = 0o600;
/** Readable by the session's user (it holds no secret). */
export const PUBLIC_FILE_MODE = 0o644;
/** The CA directory: owner only. */
const DIR_MODE = 0o700;

/**
 * Where system CA bundles live, first match wins: Debian/Ubuntu/Alpine, Fedora/RHEL, openSUSE, macOS/BSD.
 * (The list Go's crypto/x509 searches: https://go.dev/src/crypto/x509/root_linux.go)
 */
export const SYSTEM_BUNDLE_CANDIDATES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/ssl/cert.pem',
];

/** Paths of the CA's files. */
export interface CaFiles {
  readonly keyPath: string;
  readonly certPath: string;
  readonly bundlePath: string;
}

export function caFiles(dir: string): CaFiles {
  return { keyPath: path.join(dir, CA_KEY_FILE), certPath: path.join(dir, CA_CERT_FILE), bundlePath: path.join(dir, CA_BUNDLE_FILE) };
}

export function ensureCaDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
}

/** Writes `data` to `file` atomically with `mode` (the temp file is created with that mode, never wider). */
export function writeFileAtomic(file: string, data: string, mode: number): void {
  const tmp = `${file}.${process.pid}.${Date.now().toString(36)}.tmp`;
  const fd = fs.openSync(tmp, 'wx', mode);
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(tmp, mode); // the umask may have narrowed it
  fs.renameSync(tmp, file);
}

/** The system CA bundle's text, or '' when none of the candidates exists. */
export function readSystemBundle(candidates: readonly string[] = SYSTEM_BUNDLE_CANDIDATES): string {
  for (const file of candidates) {
    try {
      const text = fs.readFileSync(file, 'utf8');
      if (text.includes('-----BEGIN CERTIFICATE-----')) return text.endsWith('\n') ? text : `${text}\n`;
    } catch {
      // not on this system: try the next
    }
  }
  return '';
}

/**
 * Environment variables that make a session's tools trust the Berth CA.
 *
 * `certPath` is the Berth CA alone, `bundlePath` the combined bundle, both as the session sees them (a
 * container may mount them elsewhere). NODE_EXTRA_CA_CERTS adds to Node's roots, so it gets the CA alone;
 * the others replace the system bundle, so they get the combined one. Curl built on OpenSSL ignores
 * SSL_CERT_FILE when it was compiled with a bundle path (Debian's is), hence CURL_CA_BUNDLE.
 * Node reads NODE_EXTRA_CA_CERTS once at start; git and curl read theirs per process.
 */
export function sessionCaEnv(certPath: string, bundlePath: string): Record<string, string> {
  return {
    NODE_EXTRA_CA_CERTS: certPath,
    SSL_CERT_FILE: bundlePath,
    GIT_SSL_CAINFO: bundlePath,
    REQUESTS_CA_BUNDLE: bundlePath,
    CURL_CA_BUNDLE: bundlePath,
  };
}
