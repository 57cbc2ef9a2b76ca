/**
 * Event-loop delay of the orchestrator via perf_hooks.monitorEventLoopDelay, read and reset every
 * second and exposed as the gauge family `event_loop_delay_ms{stat="p50"|"p99"|"max"}`.
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
      help: 'Event-loop delay of the orchestrator over the last second, ms.',
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
      p50Ms: has ? h.percentile(50) / NS_PER_MS : 0,
      p99Ms: has ? h.percentile(99) / NS_PER_MS : 0,
      maxMs: has ? h.max / NS_PER_MS : 0,
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
