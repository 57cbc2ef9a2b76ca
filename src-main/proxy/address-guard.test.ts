import { describe, expect, it } from 'vitest';
import { guardedLookup, isPrivateAddress, PRIVATE_ADDRESS_CODE } from './address-guard.js';

describe('address guard', () => {
  it('flags loopback, private, link-local, metadata, CGNAT, ULA and mapped forms; passes public addresses', () => {
    for (const a of ['127.0.0.1', '127.9.9.9', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.100.100.200', '0.0.0.0', '::1', '::', 'fe80::1', 'fd00:ec2::254', 'fc00::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:169.254.169.254', '[::1]', '224.0.0.1']) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ['1.1.1.1', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', 'api.anthropic.com']) {
      expect(isPrivateAddress(a), a).toBe(false);
    }
  });

  it('refuses a name that resolves to loopback, in both lookup forms', async () => {
    const single = await new Promise<NodeJS.ErrnoException | null>((resolve) => guardedLookup('localhost', {}, (e) => resolve(e)));
    expect(single?.code).toBe(PRIVATE_ADDRESS_CODE);
    const all = await new Promise<NodeJS.ErrnoException | null>((resolve) => guardedLookup('localhost', { all: true }, (e) => resolve(e)));
    expect(all?.code).toBe(PRIVATE_ADDRESS_CODE);
  });
});
