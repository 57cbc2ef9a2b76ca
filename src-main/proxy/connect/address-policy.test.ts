import dns from 'node:dns';
import { describe, expect, it } from 'vitest';
import { guardedLookup, isNonPublicAddress, NON_PUBLIC_CODE, type LookupFunction } from './address-policy.js';

const fixed =
  (addresses: dns.LookupAddress[]): LookupFunction =>
  (_host, options, cb) =>
    options.all ? cb(null, addresses) : cb(null, addresses[0]!.address, addresses[0]!.family);

function lookupOnce(lookup: LookupFunction, host: string, options: dns.LookupOptions) {
  return new Promise<{ error: NodeJS.ErrnoException | null; address: string | dns.LookupAddress[] }>((resolve) => lookup(host, options, (error, address) => resolve({ error, address })));
}

describe('isNonPublicAddress', () => {
  it.each(['127.0.0.1', '127.255.0.9', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fd00:ec2::254', 'fc00::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a9fe:a9fe', '64:ff9b::10.0.0.1', 'not-an-ip'])(
    'refuses %s',
    (a) => expect(isNonPublicAddress(a)).toBe(true),
  );
  it.each(['140.82.112.3', '104.16.0.1', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])('allows %s', (a) => expect(isNonPublicAddress(a)).toBe(false));
});

describe('guardedLookup', () => {
  it('refuses a name with any non-public answer unless allowed, in both answer forms', async () => {
    const mixed = fixed([
      { address: '140.82.112.3', family: 4 },
      { address: '10.0.0.5', family: 4 },
    ]);
    const refused = await lookupOnce(guardedLookup(undefined, mixed), 'rebind.example', { all: true });
    expect(refused.error?.code).toBe(NON_PUBLIC_CODE);
    const single = await lookupOnce(guardedLookup(undefined, mixed), 'rebind.example', {});
    expect(single.error?.code).toBe(NON_PUBLIC_CODE);
    const allowed = await lookupOnce(guardedLookup((host, address) => host === 'rebind.example' && address === '10.0.0.5', mixed), 'rebind.example', {});
    expect(allowed).toEqual({ error: null, address: '140.82.112.3' });
    const all = await lookupOnce(guardedLookup(() => true, mixed), 'rebind.example', { all: true });
    expect(Array.isArray(all.address) && all.address.length).toBe(2);
  });

  it('checks IP literals without a lookup and honours the family option', async () => {
    expect((await lookupOnce(guardedLookup(), '127.0.0.1', {})).error?.code).toBe(NON_PUBLIC_CODE);
    const v6only = fixed([
      { address: '140.82.112.3', family: 4 },
      { address: '2606:4700::1111', family: 6 },
    ]);
    expect(await lookupOnce(guardedLookup(undefined, v6only), 'x.example', { family: 6 })).toEqual({ error: null, address: '2606:4700::1111' });
  });
});
