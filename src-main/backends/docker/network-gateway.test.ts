import { describe, expect, it } from 'vitest';
import { firstHostAddress, hostAddressOn } from './network-gateway.js';

describe('hostAddressOn', () => {
  it('is the IPAM gateway when the engine reports one (IPv4 only)', () => {
    expect(hostAddressOn({ IPAM: { Config: [{ Gateway: 'fd00::1' }, { Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }] } }, () => false)).toBe('172.18.0.1');
  });

  it("is the subnet's first address when the engine reports only the subnet of a bridge on this host", () => {
    // What Debian's dockerd 20.10 reports for docker0 when it picked the range itself (docker0 then has 172.20.0.1).
    const network = { IPAM: { Config: [{ Subnet: '172.20.0.0/16' }] }, Options: { 'com.docker.network.bridge.name': 'docker0' } };
    expect(hostAddressOn(network, (name) => name === 'docker0')).toBe('172.20.0.1');
    // The bridge is not on this host (a remote engine): no address, never a guess.
    expect(hostAddressOn(network, () => false)).toBeNull();
    expect(hostAddressOn({ IPAM: { Config: null }, Options: network.Options }, () => true)).toBeNull();
  });

  it('computes the first host address of a subnet, refusing what is not an IPv4 subnet', () => {
    expect(firstHostAddress('172.20.0.0/16')).toBe('172.20.0.1');
    expect(firstHostAddress('10.1.2.128/25')).toBe('10.1.2.129');
    expect(firstHostAddress('10.1.2.77/24')).toBe('10.1.2.1');
    for (const bad of ['fd00::/64', '10.0.0.0/31', '10.0.0.0', 'x/8']) expect(firstHostAddress(bad)).toBeNull();
  });
});
