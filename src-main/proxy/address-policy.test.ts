import dns from 'node:dns';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { guardedLookup, isIpLiteral, isNonPublicAddress, NON_PUBLIC_CODE, refusedAddress, resolveAll, type LookupFunction } from './address-policy.js';

const fixed =
  (addresses: dns.LookupAddress[]): LookupFunction =>
  (_host, options, cb) =>
    options.all ? cb(null, addresses) : cb(null, addresses[0]!.address, addresses[0]!.family);

function lookupOnce(lookup: LookupFunction, host: string, options: dns.LookupOptions) {
  return new Promise<{ error: NodeJS.ErrnoException | null; address: string | dns.LookupAddress[] }>((resolve) => lookup(host, options, (error, address) => resolve({ error, address })));
}

/** Every IPv6 spelling of loopback and metadata the attack run (and review) tried. */
const SMUGGLED = [
  '::7f00:1', // IPv4-compatible, hex tail
  '::127.0.0.1', // IPv4-compatible, dotted tail
  '0:0:0:0:0:0:7f00:1',
  '::ffff:127.0.0.1', // IPv4-mapped
  '::ffff:7f00:1',
  '::FFFF:7F00:0001',
  '0:0:0:0:0:ffff:127.0.0.1',
  '[::ffff:7f00:1]',
  '::ffff:0:7f00:1', // SIIT
  '64:ff9b::7f00:1', // NAT64
  '64:ff9b::127.0.0.1',
  '64:ff9b:0:0:0:0:a9fe:a9fe', // NAT64 of the metadata address
  '64:ff9b:1::1', // local-use NAT64
  '2002:7f00:1::', // 6to4 of loopback
  '2002:a9fe:a9fe::1', // 6to4 of the metadata address
  '2002:0a00:0001:1::1', // 6to4 of 10.0.0.1
  '2001:0:4136:e378:8000:63bf:3fff:fdd2', // Teredo
  'fe80::1%eth0',
];

describe('isNonPublicAddress', () => {
  it.each([
    ...['127.0.0.1', '127.255.0.9', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '100.100.100.200'],
    ...['0.0.0.0', '224.0.0.1', '255.255.255.255', '192.0.2.1', '198.18.0.1'],
    ...['::1', '::', '[::1]', 'fe80::1', 'fec0::1', 'fd00:ec2::254', 'fc00::1', 'ff02::1', '2001:db8::1', '100::1'],
    ...SMUGGLED,
    'not-an-ip',
    'localhost',
  ])('refuses %s', (a) => expect(isNonPublicAddress(a)).toBe(true));

  it.each(['140.82.112.3', '104.16.0.1', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '2606:4700:4700::1111', '::ffff:8.8.8.8', '::ffff:808:808', '64:ff9b::808:808', '2002:808:808::1'])(
    'allows %s',
    (a) => expect(isNonPublicAddress(a)).toBe(false),
  );
});

/** An IPv4 address as four octets. */
const octets = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));
/** A few addresses from every blocked IPv4 range, so the generator hits both verdicts often. */
const interesting = fc.constantFrom<[number, number, number, number]>([127, 0, 0, 1], [10, 9, 8, 7], [169, 254, 169, 254], [100, 100, 100, 200], [192, 168, 0, 1], [172, 20, 1, 1], [0, 0, 0, 0], [224, 0, 0, 251], [255, 255, 255, 255], [8, 8, 8, 8], [1, 1, 1, 1]);
const anyV4 = fc.oneof(octets, interesting);

const hex = (a: number, b: number): string => ((a << 8) | b).toString(16);
/** The ways to write the last 32 bits of an IPv6 address. */
function tails([a, b, c, d]: [number, number, number, number]): string[] {
  return [`${a}.${b}.${c}.${d}`, `${hex(a, b)}:${hex(c, d)}`, `${hex(a, b).padStart(4, '0')}:${hex(c, d).padStart(4, '0')}`];
}
/** Every IPv6 form that carries `v4`, in several spellings. */
function embeddings(v4: [number, number, number, number]): string[] {
  const forms: string[] = [];
  for (const tail of tails(v4)) {
    forms.push(`::${tail}`, `0:0:0:0:0:0:${tail}`, `::ffff:${tail}`, `0:0:0:0:0:ffff:${tail}`, `::ffff:0:${tail}`, `64:ff9b::${tail}`, `64:ff9b:0:0:0:0:${tail}`);
  }
  const [a, b, c, d] = v4;
  forms.push(`2002:${hex(a, b)}:${hex(c, d)}::`, `2002:${hex(a, b)}:${hex(c, d)}:1:2:3:4:5`);
  return forms.flatMap((f) => [f, f.toUpperCase(), `[${f}]`]);
}

describe('the address policy, property-based', () => {
  it('judges every IPv6 form that carries an IPv4 address as that IPv4 address', () => {
    fc.assert(
      fc.property(anyV4, (v4) => {
        const verdict = isNonPublicAddress(v4.join('.'));
        for (const form of embeddings(v4)) {
          expect(isNonPublicAddress(form), form).toBe(verdict);
        }
      }),
      { numRuns: 200 },
    );
  });

  /** Any IP literal: an IPv4 address, one of its IPv6 forms, or random IPv6 groups. */
  const anyAddress = fc.oneof(
    anyV4.map((v4) => v4.join('.')),
    fc.tuple(anyV4, fc.nat(100)).map(([v4, i]) => {
      const forms = embeddings(v4);
      return forms[i % forms.length]!;
    }),
    fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((groups) => groups.map((g) => g.toString(16)).join(':')),
    fc.constantFrom(...SMUGGLED),
  );

  it('gives the base-URL entry (literal check + guarded lookup) and the CONNECT entry (resolve + refusedAddress) one verdict', async () => {
    await fc.assert(
      fc.asyncProperty(anyAddress, async (address) => {
        expect(isIpLiteral(address), address).toBe(true);
        const expected = isNonPublicAddress(address);
        // Base-URL mode: the provider host's literal check, then the undici connect lookup.
        const baseUrlLiteral = isIpLiteral(address) && isNonPublicAddress(address);
        const baseUrlLookup = (await lookupOnce(guardedLookup(), address, {})).error?.code === NON_PUBLIC_CODE;
        // CONNECT: the target is resolved and checked before the tunnel, and the forwarder's lookup again.
        const connectTarget = refusedAddress(address, await resolveAll(address)) !== null;
        const connectForwarder = (await lookupOnce(guardedLookup(() => false), address, { all: true })).error?.code === NON_PUBLIC_CODE;
        expect([baseUrlLiteral, baseUrlLookup, connectTarget, connectForwarder], address).toEqual([expected, expected, expected, expected]);
      }),
      { numRuns: 200 },
    );
  });
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

  it('refuses a name whose answer is an IPv4-compatible or 6to4 form of loopback', async () => {
    for (const address of ['::7f00:1', '2002:7f00:1::']) {
      const answer = await lookupOnce(guardedLookup(undefined, fixed([{ address, family: 6 }])), 'sneaky.example', {});
      expect(answer.error?.code, address).toBe(NON_PUBLIC_CODE);
    }
  });

  it('refuses a real name resolving to loopback, in both lookup forms', async () => {
    expect((await lookupOnce(guardedLookup(), 'localhost', {})).error?.code).toBe(NON_PUBLIC_CODE);
    expect((await lookupOnce(guardedLookup(), 'localhost', { all: true })).error?.code).toBe(NON_PUBLIC_CODE);
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
