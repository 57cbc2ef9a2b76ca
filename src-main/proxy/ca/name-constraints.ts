/**
 * The NameConstraints extension (RFC 5280 §4.2.1.10) of Berth's local CA, DER-encoded by hand.
 *
 * @peculiar/x509 has no class for this extension, and its ASN.1 schema package is only a transitive
 * dependency, so the few bytes are written here and checked against OpenSSL in the tests.
 *
 * Shape: permitted dNSName subtrees for the rule hosts (an IP rule host becomes a /32 or /128 iPAddress
 * subtree); an address family with no permitted subtree is excluded entirely (0.0.0.0/0, ::/0), so the CA
 * can never vouch for an arbitrary IP address. With no hosts at all, the only permitted name is
 * `berth.invalid` (a subtree list may not be empty).
 */
import net from 'node:net';

/** OID of the NameConstraints extension. */
export const NAME_CONSTRAINTS_OID = '2.5.29.30';
/** Placeholder permitted name when no rule host exists (RFC 6761 reserves `.invalid`). */
export const EMPTY_SET_PLACEHOLDER = 'berth.invalid';
/** Longest DNS name (RFC 1035 §2.3.4, without the trailing dot). */
const MAX_DNS_NAME = 253;
/** Longest DNS label (RFC 1035 §2.3.4). */
const MAX_LABEL = 63;

// DER tags (X.690): SEQUENCE, and the context-specific tags of GeneralSubtrees / GeneralName.
const TAG_SEQUENCE = 0x30;
const TAG_PERMITTED = 0xa0; // [0] IMPLICIT GeneralSubtrees (constructed)
const TAG_EXCLUDED = 0xa1; // [1] IMPLICIT GeneralSubtrees (constructed)
const TAG_DNS_NAME = 0x82; // GeneralName dNSName [2] IA5String (primitive)
const TAG_IP_ADDRESS = 0x87; // GeneralName iPAddress [7] OCTET STRING (primitive)

/**
 * A host a rule can name: lowercase DNS name without trailing dot, or an IPv4 / IPv6 literal (no brackets).
 *
 * Returns null for anything else, including numeric last labels that are not dotted-quad IPv4 (resolvers
 * read `2130706433` or `0x7f.1` as addresses; WHATWG URL rejects them the same way).
 */
export function normalizeHost(input: string): string | null {
  let host = input.trim().toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (net.isIPv6(host)) return host.includes('%') ? null : host;
  if (net.isIPv4(host)) return host;
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host.length === 0 || host.length > MAX_DNS_NAME) return null;
  const labels = host.split('.');
  for (const label of labels) {
    if (label.length === 0 || label.length > MAX_LABEL) return null;
    if (!/^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/.test(label)) return null;
  }
  if (/^(?:0x[0-9a-f]*|[0-9]+)$/.test(labels[labels.length - 1]!)) return null;
  return host;
}

function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

function tlv(tag: number, content: readonly number[]): number[] {
  return [tag, ...derLength(content.length), ...content];
}

/** The 4 or 16 bytes of an IPv4 or IPv6 literal (`::` and a dotted IPv4 tail expanded). */
export function ipBytes(address: string): number[] {
  if (net.isIPv4(address)) return address.split('.').map(Number);
  // Expand `::` into zero groups, then write each 16-bit group big-endian.
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const parse = (s: string | undefined) => (s ? s.split(':') : []);
  let groups = parse(head);
  let rest = parse(tail);
  const last = (tail === undefined ? groups : rest).at(-1);
  const v4Tail = last && net.isIPv4(last) ? last.split('.').map(Number) : null;
  if (v4Tail) {
    const words = [((v4Tail[0]! << 8) | v4Tail[1]!).toString(16), ((v4Tail[2]! << 8) | v4Tail[3]!).toString(16)];
    if (tail === undefined) groups = [...groups.slice(0, -1), ...words];
    else rest = [...rest.slice(0, -1), ...words];
  }
  const zeros = tail === undefined ? [] : Array<string>(8 - groups.length - rest.length).fill('0');
  return [...groups, ...zeros, ...rest].flatMap((g) => {
    const v = Number.parseInt(g, 16);
    return [v >> 8, v & 0xff];
  });
}

function subtree(name: number[]): number[] {
  return tlv(TAG_SEQUENCE, name);
}

/** DER value of the NameConstraints extension for a set of normalized rule hosts. */
export function encodeNameConstraints(hosts: readonly string[]): Uint8Array<ArrayBuffer> {
  const sorted = [...new Set(hosts)].sort();
  const permitted: number[] = [];
  let v4 = false;
  let v6 = false;
  for (const host of sorted.length > 0 ? sorted : [EMPTY_SET_PLACEHOLDER]) {
    if (net.isIP(host) === 0) {
      permitted.push(...subtree(tlv(TAG_DNS_NAME, [...Buffer.from(host, 'ascii')])));
    } else {
      const addr = ipBytes(host);
      v4 ||= addr.length === 4;
      v6 ||= addr.length === 16;
      permitted.push(...subtree(tlv(TAG_IP_ADDRESS, [...addr, ...Array<number>(addr.length).fill(0xff)])));
    }
  }
  const excluded: number[] = [];
  if (!v4) excluded.push(...subtree(tlv(TAG_IP_ADDRESS, Array<number>(8).fill(0))));
  if (!v6) excluded.push(...subtree(tlv(TAG_IP_ADDRESS, Array<number>(32).fill(0))));
  const body = [...tlv(TAG_PERMITTED, permitted), ...(excluded.length > 0 ? tlv(TAG_EXCLUDED, excluded) : [])];
  return Uint8Array.from(tlv(TAG_SEQUENCE, body));
}
