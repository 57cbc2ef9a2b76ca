/**
 * Terminal flow-control constants, shared by the orchestrator (producer) and every client (consumer).
 *
 * The scheme is VS Code's pty-host flow control: the producer counts characters sent and not yet
 * acknowledged; clients acknowledge from xterm's write callbacks.
 */

/** Pause the pty when any attached client has more than this many unacknowledged characters. */
export const FLOW_HIGH_WATERMARK_CHARS = 100_000;

/** Resume the pty once every client is back below this many unacknowledged characters. */
export const FLOW_LOW_WATERMARK_CHARS = 5_000;

/** Clients acknowledge after this many characters have been written to their terminal. */
export const FLOW_ACK_BATCH_CHARS = 5_000;

/** Output is coalesced for this long before it is sent, to cut frame count under heavy output. */
export const OUTPUT_BATCH_MS = 5;

/** Largest single output frame; bigger batches are split (never inside a UTF-16 surrogate pair). */
export const OUTPUT_MAX_FRAME_CHARS = 64 * 1024;

/** Scrollback kept by the orchestrator's headless terminal for late-joiner snapshots. */
export const SNAPSHOT_SCROLLBACK_LINES = 1_000;

/** Default terminal size before any client has reported one. */
export const DEFAULT_COLS = 120;
export const DEFAULT_ROWS = 32;
