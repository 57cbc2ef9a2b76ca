import { describe, expect, it } from 'vitest';
import { encodeNameConstraints, normalizeHost } from './name-constraints.js';

describe('normalizeHost', () => {
  it.each([
    ['GitHub.com', 'github.com'],
    ['github.com.', 'github.com'],
    ['[::1]', '::1'],
    ['1.2.3.4', '1.2.3.4'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
  ])('%s → %s', (input, out) => expect(normalizeHost(input)).toBe(out));
  it.each(['', '.', 'a..b', '-a.com', 'a-.com', 'a b', 'bücher.example', '1.2.3', '0x7f.1', '999', 'fe80::1%eth0', `${'a'.repeat(64)}.com`])('refuses %j', (input) =>
    expect(normalizeHost(input)).toBeNull(),
  );
});

describe('encodeNameConstraints', () => {
  const hex = (hosts: string[]) => Buffer.from(encodeNameConstraints(hosts)).toString('hex');
  it('encodes a dNSName subtree and excludes every IPv4 and IPv6 address', () => {
    // SEQUENCE { [0] { SEQUENCE { [2] "a.io" } } [1] { SEQUENCE { [7] 0.0.0.0/0 } SEQUENCE { [7] ::/0 } } }
    const dns = '3006' + '8204' + Buffer.from('a.io').toString('hex');
    const v4 = '300a' + '8708' + '00'.repeat(8);
    const v6 = '3022' + '8720' + '00'.repeat(32);
    expect(hex(['a.io'])).toBe('303c' + 'a008' + dns + 'a130' + v4 + v6);
  });
  it('encodes IP hosts as /32 and /128 subtrees and then excludes nothing', () => {
    const v4 = '300a' + '8708' + '7f000001' + 'ffffffff';
    const v6 = '3022' + '8720' + '00'.repeat(15) + '01' + 'ff'.repeat(16);
    expect(hex(['::1', '127.0.0.1'])).toBe('3032' + 'a030' + v4 + v6);
  });
  it('expands compressed IPv6 addresses', () => {
    expect(hex(['2001:db8::a:1'])).toContain('8720' + '20010db8' + '0000'.repeat(4) + '000a0001' + 'ff'.repeat(16));
    expect(hex(['::ffff:1.2.3.4'])).toContain('8720' + '00'.repeat(10) + 'ffff' + '01020304');
  });
  it('is independent of order and duplicates', () => {
    expect(hex(['b.io', 'a.io', 'b.io'])).toBe(hex(['a.io', 'b.io']));
  });
});
