/**
 * Coalesces bursts of changes into few rebuilds: the first change rebuilds at once, later ones at most
 * once per interval, and the last change of a burst is always followed by a rebuild.
 */

/** Shortest time between two tray menu rebuilds (at most four a second under churn). */
export const TRAY_REBUILD_INTERVAL_MS = 250;

/** Runs `rebuild` after changes, at most once per `intervalMs`, never losing the last change. */
export class Coalescer {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastRun = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly rebuild: () => void,
    private readonly intervalMs = TRAY_REBUILD_INTERVAL_MS,
  ) {}

  /** Notes a change; the rebuild follows within `intervalMs`. */
  changed(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastRun + this.intervalMs - Date.now());
    this.timer = setTimeout(() => this.run(), wait);
  }

  /** Cancels a pending rebuild. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private run(): void {
    this.timer = undefined;
    this.lastRun = Date.now();
    this.rebuild();
  }
}
