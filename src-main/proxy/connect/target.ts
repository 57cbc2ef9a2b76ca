/**
 * Parsing what a CONNECT request carries: the authority-form target (`host:port`, RFC 9110 §9.3.6) and
 * the session's stand-in token in Proxy-Authorization. Strict on purpose: anything unusual is refused.
 */
import net from 'node:net';
import { normalizeHost } from '../ca/name-constraints.js';

/** Longest CONNECT target accepted: a 253-character name, brackets, a colon and five digits, with slack. */
export const MAX_TARGET_LENGTH = 270;
/** Highest TCP port. */
const MAX_PORT = 65_535;

/** A parsed CONNECT target: a normalized host (no brackets for IPv6) and a port. */
export interface ConnectTarget {
  readonly host: string;
  readonly port: number;
}

/** The target of `CONNECT host:port`, or a one-line reason it is malformed. */
export function parseConnectTarget(raw: string | undefined): { ok: true; value: ConnectTarget } | { ok: false; reason: string } {
  if (!raw) return { ok: false, reason: 'missing CONNECT target' };
  if (raw.length > MAX_TARGET_LENGTH) return { ok: false, reason: 'CONNECT target too long' };
  // Printable ASCII only: no CR/LF, spaces, NULs or UTF-8 smuggled into the target.
  if (!/^[\x21-\x7e]+$/.test(raw)) return { ok: false, reason: 'CONNECT target has forbidden characters' };
  if (raw.includes('@') || raw.includes('/') || raw.includes('?') || raw.includes('#')) {
    return { ok: false, reason: 'CONNECT target must be host:port (no userinfo, path, query or fragment)' };
  }
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):([0-9]{1,5})$/.exec(raw);
  if (!m) return { ok: false, reason: 'CONNECT target must be host:port' };
  const port = Number(m[3]);
  if (port < 1 || port > MAX_PORT || m[3]!.startsWith('0')) return { ok: false, reason: 'CONNECT port out of range' };
  const bracketed = m[1];
  if (bracketed !== undefined && !net.isIPv6(bracketed)) return { ok: false, reason: 'bracketed CONNECT host must be an IPv6 address' };
  const host = normalizeHost(bracketed ?? m[2]!);
  if (host === null) return { ok: false, reason: 'CONNECT host is not a valid host name or address' };
  if (bracketed === undefined && net.isIPv6(host)) return { ok: false, reason: 'IPv6 CONNECT host must be in brackets' };
  return { ok: true, value: { host, port } };
}

/**
 * The password part of `Proxy-Authorization: Basic base64(user:password)` (the user is ignored), or null
 * when the header is missing or not Basic.
 */
export function proxyAuthToken(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string') return null;
  const m = /^basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i.exec(header);
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const token = decoded.slice(colon + 1);
  return token.length > 0 ? token : null;
}

/** The authority form of a target (IPv6 in brackets); the port is left out when it equals `defaultPort`. */
export function formatAuthority(host: string, port: number, defaultPort?: number): string {
  const h = net.isIPv6(host) ? `[${host}]` : host;
  return port === defaultPort ? h : `${h}:${port}`;
}
