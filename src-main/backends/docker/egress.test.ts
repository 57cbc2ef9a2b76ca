/**
 * The pure parts of containment: session subnets and their fixed addresses, the relay's command, and
 * the relay image recipe Berth builds (the same text as the one users build from resources/).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { holderOf, randomSubnet, relayScript, slotAddresses } from './egress.js';
import { RELAY_DOCKERFILE } from './relay-image.js';

describe('contained networks', () => {
  it('are /28s in 198.18.0.0/15 with the gateway, relay and holder at fixed offsets', () => {
    for (let i = 0; i < 200; i++) {
      const subnet = randomSubnet();
      const m = /^198\.(18|19)\.(\d+)\.(\d+)\/28$/.exec(subnet);
      expect(m, subnet).not.toBeNull();
      expect(Number(m![2])).toBeLessThan(256);
      expect(Number(m![3]) % 16).toBe(0);
    }
    expect(slotAddresses('198.19.7.32/28')).toEqual({ gateway: '198.19.7.33', relay: '198.19.7.34', holder: '198.19.7.35' });
  });

  it("tells a contained container's holder from its NetworkMode", () => {
    expect(holderOf('container:abc123')).toBe('abc123');
    expect(holderOf('bridge')).toBeNull();
    expect(holderOf(undefined)).toBeNull();
  });

  it('relays both proxy ports with busybox nc, and takes only an IPv4 address as its target', () => {
    const script = relayScript({ host: '172.17.0.1', basePort: 40001, connectPort: 40002 });
    expect(script).toContain('nc -ll -p 8080 -e nc 172.17.0.1 40001');
    expect(script).toContain('nc -ll -p 3128 -e nc 172.17.0.1 40002');
    expect(() => relayScript({ host: '1.2.3.4; rm -rf /', basePort: 1, connectPort: 2 })).toThrow(/not an IPv4 address/);
  });
});

describe('relay image recipe', () => {
  it('is the one in resources/docker/relay', () => {
    const file = path.resolve(import.meta.dirname, '../../../resources/docker/relay/Dockerfile');
    expect(fs.readFileSync(file, 'utf8')).toBe(RELAY_DOCKERFILE);
  });
});
