/**
 * Flow-control acknowledgements from xterm's write callbacks.
 *
 * Counts characters whose write has completed and acknowledges them in batches of
 * FLOW_ACK_BATCH_CHARS, plus whatever is left once all pending writes have drained (idle), so the
 * orchestrator's unacknowledged count returns to zero whenever the terminal has caught up.
 */
import { FLOW_ACK_BATCH_CHARS } from '../../../src-shared/flow-control.js';
import type { Disposable } from '../../../src-shared/lifecycle.js';

/** Batches acknowledgements of written terminal characters. */
export class AckCounter implements Disposable {
  private unacked = 0;
  private pending = 0;
  private disposed = false;

  constructor(
    private readonly sendAck: (chars: number) => void,
    private readonly batchChars = FLOW_ACK_BATCH_CHARS,
  ) {}

  /** Call before handing a chunk to `term.write`. */
  willWrite(): void {
    this.pending++;
  }

  /** Call from the write callback with the chunk's length. */
  didWrite(chars: number): void {
    if (this.disposed) return;
    this.pending = Math.max(0, this.pending - 1);
    this.unacked += chars;
    if (this.unacked >= this.batchChars || this.pending === 0) this.flush();
  }

  private flush(): void {
    if (this.unacked === 0) return;
    const chars = this.unacked;
    this.unacked = 0;
    this.sendAck(chars);
  }

  dispose(): void {
    this.disposed = true;
  }
}
