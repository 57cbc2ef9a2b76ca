import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAuthority, parseConnectTarget, proxyAuthToken } from './target.js';

describe('parseConnectTarget', () => {
  it.each([
    ['github.com:443', 'github.com', 443],
    ['API.GitHub.COM:8443', 'api.github.com', 8443],
    ['github.com.:443', 'github.com', 443],
    ['10.0.0.1:22', '10.0.0.1', 22],
    ['[::1]:443', '::1', 443],
    ['[2001:db8::1]:65535', '2001:db8::1', 65535],
    ['my_host.internal:1', 'my_host.internal', 1],
  ])('accepts %s', (raw, host, port) => {
    expect(parseConnectTarget(raw)).toEqual({ ok: true, value: { host, port } });
  });

  it.each([
    undefined,
    '',
    'github.com',
    'github.com:',
    'github.com:0',
    'github.com:65536',
    'github.com:0443',
    'github.com:+443',
    'user@github.com:443',
    'github.com:443/path',
    'github.com:443?x',
    'github.com\r\n:443',
    'git hub.com:443',
    'github.com%0d%0a:443',
    '-github.com:443',
    'a..b:443',
    '2130706433:443',
    '0x7f.1:443',
    '::1:443',
    '[github.com]:443',
    '[fe80::1%eth0]:443',
    `${'a'.repeat(64)}.com:443`,
    `${'a.'.repeat(130)}com:443`,
    'héllo.com:443',
  ])('refuses %j', (raw) => {
    expect(parseConnectTarget(raw).ok).toBe(false);
  });

  it('never accepts a target with characters outside printable ASCII, and round-trips what it accepts', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (raw) => {
        const r = parseConnectTarget(raw);
        if (!r.ok) return true;
        return /^[\x21-\x7e]+$/.test(raw) && parseConnectTarget(formatAuthority(r.value.host, r.value.port)).ok;
      }),
      { seed: 5, numRuns: 5_000 },
    );
  });
});

describe('proxyAuthToken', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  it('takes the password of Basic credentials', () => {
    expect(proxyAuthToken(`Basic ${b64('x:tok')}`)).toBe('tok');
    expect(proxyAuthToken(`basic ${b64(':tok:with:colons')}`)).toBe('tok:with:colons');
  });
  it.each([undefined, '', 'Bearer tok', `Basic ${b64('no-colon')}`, `Basic ${b64('x:')}`, 'Basic !!!', ['a', 'b']])('refuses %j', (h) => {
    expect(proxyAuthToken(h as string | string[] | undefined)).toBeNull();
  });
});
