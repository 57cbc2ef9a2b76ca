/**
 * Event-loop delay of the orchestrator via perf_hooks.monitorEventLoopDelay, read and reset every
 * second and exposed as the gauge family `event_loop_delay_ms{stat="p50"|"p99"|"max"}`.
 *
 * The figures are the delay users feel: how late the loop got to run something that was due. Node's
 * histogram records the whole time between its timer's runs, i.e. the sampling interval plus the delay
 * (an idle loop reads p50 ≈ 10.2 ms at a 10 ms resolution), so the interval is taken off each figure.
 * See https://nodejs.org/api/perf_hooks.html#perf_hooksmonitoreventloopdelayoptions
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { EventLoopDelayDto } from '../../src-shared/metrics.js';
import { DisposableStore, Emitter, toDisposable, type Disposable, type Event } from '../../src-shared/lifecycle.js';
import type { MetricsRegistry } from './registry.js';

/** Sampling resolution of the delay histogram, ms (Node's default is 10). */
const RESOLUTION_MS = 10;
/** How often the figures are read and the histogram reset. */
const DEFAULT_INTERVAL_MS = 1_000;
/** Readings kept for the dashboard's chart: ten minutes at one a second. */
const HISTORY_SIZE = 600;
/** The histogram reports nanoseconds. */
const NS_PER_MS = 1e6;

/**
 * A recorded time between two runs of the sampling timer (ns) as the delay beyond the interval (ms).
 * Subtracting is monotonic, so it maps each percentile of the recorded times to the same percentile of
 * the delays; never below zero (libuv's ms-granular clock can run the timer a hair early).
 */
export function delayBeyondInterval(recordedNs: number, resolutionMs = RESOLUTION_MS): number {
  return Math.max(0, recordedNs / NS_PER_MS - resolutionMs);
}

export interface EventLoopMonitorOptions {
  /** Registers the gauge family here when given. */
  registry?: MetricsRegistry;
  intervalMs?: number;
  now?: () => number;
}

/** Event-loop delay p50/p99/max over each interval. */
export class EventLoopMonitor implements Disposable {
  private readonly store = new DisposableStore('event-loop-monitor');
  private readonly histogram: IntervalHistogram;
  private readonly onDidUpdateEmitter = this.store.add(new Emitter<EventLoopDelayDto>());
  private readonly ring: EventLoopDelayDto[] = [];
  private current: EventLoopDelayDto | null = null;
  private readonly now: () => number;

  /** Fires with each interval's figures. */
  readonly onDidUpdate: Event<EventLoopDelayDto> = this.onDidUpdateEmitter.event;

  constructor(opts: EventLoopMonitorOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.histogram.enable();
    this.store.add(toDisposable(() => this.histogram.disable()));
    const timer = setInterval(() => this.sample(), opts.intervalMs ?? DEFAULT_INTERVAL_MS);
    timer.unref();
    this.store.add(toDisposable(() => clearInterval(timer)));
    opts.registry?.gauge({
      name: 'event_loop_delay_ms',
      help: 'Event-loop delay of the orchestrator over the last second (how late due work ran, beyond the sampling interval), ms.',
      labelNames: ['stat'],
      collect: () => {
        const c = this.current;
        return c ? [{ labels: { stat: 'p50' }, value: c.p50Ms }, { labels: { stat: 'p99' }, value: c.p99Ms }, { labels: { stat: 'max' }, value: c.maxMs }] : [];
      },
    });
  }

  /** Reads and resets the histogram now (the timer does this every interval). */
  sample(): EventLoopDelayDto {
    const h = this.histogram;
    // An interval with no samples yet reports its min as a huge number: treat it as no delay.
    const has = h.count > 0;
    const reading: EventLoopDelayDto = {
      at: this.now(),
      p50Ms: has ? delayBeyondInterval(h.percentile(50)) : 0,
      p99Ms: has ? delayBeyondInterval(h.percentile(99)) : 0,
      maxMs: has ? delayBeyondInterval(h.max) : 0,
    };
    h.reset();
    this.current = reading;
    this.ring.push(reading);
    if (this.ring.length > HISTORY_SIZE) this.ring.shift();
    this.onDidUpdateEmitter.fire(reading);
    return reading;
  }

  /** The last interval's figures (null before the first). */
  get latest(): EventLoopDelayDto | null {
    return this.current;
  }

  /** Up to the last ten minutes of readings, oldest first. */
  history(): readonly EventLoopDelayDto[] {
    return this.ring;
  }

  /** Stops monitoring; the gauges report nothing from then on. */
  dispose(): void {
    this.store.dispose();
    this.current = null;
  }
}
