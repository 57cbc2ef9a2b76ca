import { describe, expect, it } from 'vitest';
import { AnsiStripper, stripAnsi } from './ansi.js';

describe('stripAnsi', () => {
  it('removes SGR, cursor movement and mode sequences', () => {
    expect(stripAnsi('\x1b[1;32mgreen\x1b[0m \x1b[2K\x1b[?2004hplain\x1b[?2004l')).toBe('green plain');
  });

  it('removes OSC titles ended by BEL or ST, and DCS strings', () => {
    expect(stripAnsi('\x1b]0;title\x07a\x1b]8;;http://x\x1b\\b\x1bPq#0\x1b\\c')).toBe('abc');
  });

  it('turns CRLF into LF and drops other control characters', () => {
    expect(stripAnsi('one\r\ntwo\x07\x08\tthree\r\n')).toBe('one\ntwo\tthree\n');
  });

  it('removes charset designations and two-character escapes', () => {
    expect(stripAnsi('\x1b(Bx\x1b=y\x1b>z')).toBe('xyz');
  });

  it('keeps non-ASCII text', () => {
    expect(stripAnsi('héllo \u{1F600} 世界')).toBe('héllo \u{1F600} 世界');
  });
});

describe('AnsiStripper', () => {
  it('removes a sequence split across chunks', () => {
    const s = new AnsiStripper();
    const out = ['a\x1b', '[3', '1mb\x1b]0;ti', 'tle\x1b', '\\c'].map((chunk) => s.push(chunk)).join('');
    expect(out).toBe('abc');
  });

  it('gives the same text whatever the chunking', () => {
    const input = '\x1b[1mbold\x1b[0m\r\n\x1b]2;t\x07line\x1b(0two\r\n';
    const whole = stripAnsi(input);
    for (let size = 1; size <= 4; size++) {
      const s = new AnsiStripper();
      let out = '';
      for (let i = 0; i < input.length; i += size) out += s.push(input.slice(i, i + size));
      expect(out).toBe(whole);
    }
  });
});
