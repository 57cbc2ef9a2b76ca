/**
 * Turns raw terminal output into plain text for `berth logs`: escape sequences and control characters
 * are removed, `\r\n` becomes `\n`.
 *
 * A state machine rather than a regex, so a sequence split across two output frames is still removed.
 */

const ESC = '\x1b';
const BEL = '\x07';
const NEWLINE = '\n';
const TAB = '\t';
/** Final bytes of a CSI sequence: `@` through `~`. */
const CSI_FINAL_MIN = 0x40;
const CSI_FINAL_MAX = 0x7e;
/** C0 control characters end below the space; DEL is 0x7f. */
const FIRST_PRINTABLE = 0x20;
const DEL = 0x7f;

/** Where the stripper is inside an escape sequence. */
type State = 'text' | 'esc' | 'csi' | 'osc' | 'osc-esc' | 'string' | 'string-esc' | 'one-more';

/** ESC followed by one of these starts a control string (DCS, SOS, PM, APC) ended by ST. */
const STRING_INTRODUCERS = new Set(['P', 'X', '^', '_']);
/** ESC followed by one of these takes exactly one more character (charset designation, DEC tests). */
const ONE_MORE_INTRODUCERS = new Set(['(', ')', '*', '+', '-', '.', '/', '#', '%', ' ']);

/** Streaming ANSI stripper: feed it chunks, get plain text back. */
export class AnsiStripper {
  private state: State = 'text';

  /** Returns the plain text of `chunk`, carrying an unfinished escape sequence over to the next call. */
  push(chunk: string): string {
    let out = '';
    for (const ch of chunk) {
      switch (this.state) {
        case 'text':
          if (ch === ESC) this.state = 'esc';
          else if (isKept(ch)) out += ch;
          break;
        case 'esc':
          if (ch === '[') this.state = 'csi';
          else if (ch === ']') this.state = 'osc';
          else if (STRING_INTRODUCERS.has(ch)) this.state = 'string';
          else if (ONE_MORE_INTRODUCERS.has(ch)) this.state = 'one-more';
          else this.state = 'text';
          break;
        case 'csi': {
          const code = ch.charCodeAt(0);
          if (code >= CSI_FINAL_MIN && code <= CSI_FINAL_MAX) this.state = 'text';
          break;
        }
        case 'osc':
          if (ch === BEL) this.state = 'text';
          else if (ch === ESC) this.state = 'osc-esc';
          break;
        case 'osc-esc':
          this.state = ch === ESC ? 'osc-esc' : ch === '\\' ? 'text' : 'osc';
          break;
        case 'string':
          if (ch === ESC) this.state = 'string-esc';
          break;
        case 'string-esc':
          this.state = ch === '\\' ? 'text' : ch === ESC ? 'string-esc' : 'string';
          break;
        case 'one-more':
          this.state = 'text';
          break;
      }
    }
    return out;
  }
}

/** Printable characters, newlines and tabs survive; other controls (CR, BS, BEL, DEL) do not. */
function isKept(ch: string): boolean {
  if (ch === NEWLINE || ch === TAB) return true;
  const code = ch.charCodeAt(0);
  return code >= FIRST_PRINTABLE && code !== DEL;
}

/** Plain text of a complete piece of terminal output. */
export function stripAnsi(text: string): string {
  return new AnsiStripper().push(text);
}
