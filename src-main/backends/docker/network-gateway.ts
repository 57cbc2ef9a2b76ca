/**
 * This host's IPv4 address on an engine network, where containers on it reach the host (and so the
 * credential proxy's relays). The engine reports it as the network's IPAM gateway. An engine that
 * addressed its default bridge itself (Debian's dockerd without `--bip` picks a free range) reports only
 * the subnet; it gave the bridge the subnet's first address, so that is the host's address when the
 * bridge interface is on this host. (Node lists no address for a bridge without containers: it is down.)
 */
import fs from 'node:fs';
import path from 'node:path';

/** The parts of a network inspect this needs. */
export interface NetworkInspect {
  IPAM?: { Config?: { Gateway?: string; Subnet?: string }[] | null } | null;
  Options?: Record<string, string> | null;
}

/** Engine option naming the Linux bridge of a bridge-driver network. */
const BRIDGE_NAME_OPTION = 'com.docker.network.bridge.name';
/** Where Linux lists this host's network interfaces. */
const SYS_NET = '/sys/class/net';

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const isIpv4 = (a: string | undefined): a is string => !!a && IPV4.test(a);

/** The first host address of an IPv4 subnet `a.b.c.d/n` (n ≤ 30), or null. */
export function firstHostAddress(subnet: string): string | null {
  const [address, bits] = subnet.split('/');
  const m = IPV4.exec(address ?? '');
  const prefix = Number(bits);
  if (!m || !Number.isInteger(prefix) || prefix < 0 || prefix > 30) return null;
  const n = m.slice(1).reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - prefix);
  const first = n - (n % size) + 1;
  return [24, 16, 8, 0].map((s) => Math.floor(first / 2 ** s) % 256).join('.');
}

/**
 * The IPv4 gateway of `network`, else the first address of its subnet when its bridge interface exists
 * on this host; null when neither holds (a remote engine's network: never a guess).
 */
export function hostAddressOn(network: NetworkInspect, hasInterface: (name: string) => boolean = (name) => fs.existsSync(path.join(SYS_NET, path.basename(name)))): string | null {
  const config = network.IPAM?.Config ?? [];
  const gateway = config.map((c) => c.Gateway).find(isIpv4);
  if (gateway) return gateway;
  const bridge = network.Options?.[BRIDGE_NAME_OPTION];
  if (!bridge || !hasInterface(bridge)) return null;
  for (const c of config) {
    const first = c.Subnet ? firstHostAddress(c.Subnet) : null;
    if (first) return first;
  }
  return null;
}
