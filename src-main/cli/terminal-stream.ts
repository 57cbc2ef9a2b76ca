/**
 * Helpers for the commands that stream a live terminal (`logs --follow`, `attach`): flow-control acks
 * and the terminal size to report.
 */
import { FLOW_ACK_BATCH_CHARS } from '../../src-shared/flow-control.js';

/** Terminal sizes the contract accepts. */
const MIN_COLS = 2;
const MAX_COLS = 1000;
const MIN_ROWS = 1;
const MAX_ROWS = 500;

/**
 * Counts output characters written and acknowledges them in batches of `FLOW_ACK_BATCH_CHARS`, so the
 * orchestrator pauses the agent when this client falls behind.
 */
export class AckBatcher {
  private pending = 0;

  constructor(private readonly sendAck: (chars: number) => void) {}

  /** Records `chars` characters as written. */
  written(chars: number): void {
    this.pending += chars;
    if (this.pending >= FLOW_ACK_BATCH_CHARS) {
      this.sendAck(this.pending);
      this.pending = 0;
    }
  }
}

/**
 * Writes `text` and records `rawChars` as written once the stream has taken it (`rawChars` is the length
 * of the frame as sent, which may differ from `text` after stripping).
 */
export function writeAndAck(stream: NodeJS.WritableStream, text: string, rawChars: number, acks: AckBatcher): void {
  if (text.length === 0) {
    acks.written(rawChars);
    return;
  }
  stream.write(text, () => acks.written(rawChars));
}

/** The tty's size clamped to what the contract accepts, or undefined when it is not a tty. */
export function ttySize(stream: NodeJS.WriteStream): { cols: number; rows: number } | undefined {
  if (!stream.isTTY || !stream.columns || !stream.rows) return undefined;
  return {
    cols: Math.min(MAX_COLS, Math.max(MIN_COLS, stream.columns)),
    rows: Math.min(MAX_ROWS, Math.max(MIN_ROWS, stream.rows)),
  };
}
