/**
 * Resource sampler: CPU % and memory per subject, plus the machine's totals, once a second (every five
 * seconds while the window is hidden).
 *
 * Subjects are a session's local process tree (root pid and all its descendants), explicit pid lists
 * (Berth's own processes) and async sources the caller registers (a container's stats, a pod's metrics).
 * On Linux a tick reads /proc once for all process subjects: one pass over /proc/[pid]/stat builds the
 * parent map and supplies every figure; nothing is spawned. Elsewhere process subjects report null (the
 * async sources and the machine totals still work).
 *
 * CPU % is per core (100 = one core busy): the delta of CPU ticks over the wall time between ticks. A
 * tree counts utime+stime of its live members plus cutime+cstime (what members' reaped children used),
 * so short-lived children that start and end between two ticks (a `git status`) are not missed.
 * Memory is the sum of the members' RSS (stat's rss field, the same figure as statm's resident) × page size.
 */
import os from 'node:os';
import type { MachineSampleDto, ResourceSampleDto, ResourceTickDto } from '../../src-shared/metrics.js';
import { DisposableStore, Emitter, toDisposable, type Disposable, type Event } from '../../src-shared/lifecycle.js';
import { err, ok, type Result } from '../../src-shared/result.js';
import type { Db } from '../store/database.js';
import { hasProcFs, ProcReader, readPageSize, USER_HZ, type ProcStat } from './proc-reader.js';
import { ResourceSamplesRepo, type ResourceRow } from './resource-samples-repo.js';

/** Tick interval while the window is visible. */
const VISIBLE_INTERVAL_MS = 1_000;
/** Tick interval while it is hidden: sparklines can wait, the CPU is better spent elsewhere. */
const HIDDEN_INTERVAL_MS = 5_000;
/** Samples kept per subject for sparklines (five minutes at one a second). */
const DEFAULT_HISTORY = 300;
/** Rows are written (one per subject: the mean since the last flush) this often. */
const DEFAULT_FLUSH_MS = 10_000;
/** Stored rows are kept this long. */
const DEFAULT_RETENTION_MS = 24 * 60 * 60 * 1000;
/** Retention deletes run at most this often (inside a flush's transaction). */
const RETENTION_EVERY_MS = 60_000;
/** An async source that hasn't answered by then reports null for this tick. */
const SOURCE_TIMEOUT_MS = 2_000;
/** Rows kept for a retry while the database is failing. */
const MAX_PENDING_ROWS = 10_000;
/** Percent. */
const PERCENT = 100;

/** What an async source reports for its subject; null when it has nothing (container gone). */
export interface SourceReading {
  cpuPercent: number | null;
  memoryBytes: number | null;
}
export type ResourceSource = () => Promise<SourceReading | null>;

export interface ResourceSamplerOptions {
  /** Where rows go; without one nothing is stored. */
  db?: Db | null;
  visibleIntervalMs?: number;
  hiddenIntervalMs?: number;
  historySize?: number;
  flushIntervalMs?: number;
  retentionMs?: number;
  /** Start ticking at once (default true); tests call sampleNow() themselves. */
  autoStart?: boolean;
  now?: () => number;
  /** A tick that failed (logged and counted by the orchestrator; default: ignored, the next tick tries again). */
  onError?: (error: unknown) => void;
}

type Spec =
  | { kind: 'tree'; rootPid: number; rootStart: number | null }
  | { kind: 'pids'; pids: () => readonly number[] }
  | { kind: 'source'; read: ResourceSource };

interface SubjectState {
  name: string;
  spec: Spec;
  prevTicks: number | null;
  prevAtNs: bigint | null;
  history: ResourceSampleDto[];
  /** Sums since the last stored row. */
  cpuSum: number;
  cpuN: number;
  memSum: number;
  memN: number;
}

/** Per-subject CPU and memory sampling with history, events and batched storage. */
export class ResourceSampler implements Disposable {
  private readonly store = new DisposableStore('resource-sampler');
  private readonly subjects = new Map<string, SubjectState>();
  private readonly onDidSampleEmitter = this.store.add(new Emitter<ResourceTickDto>());
  private readonly procFs = hasProcFs();
  private readonly reader = new ProcReader();
  private readonly pageSize = this.procFs ? readPageSize() : 0;
  private readonly cores = Math.max(1, os.cpus().length || os.availableParallelism());
  private readonly repo: ResourceSamplesRepo | null;
  private readonly now: () => number;
  private readonly opts: Required<Pick<ResourceSamplerOptions, 'visibleIntervalMs' | 'hiddenIntervalMs' | 'historySize' | 'flushIntervalMs' | 'retentionMs'>>;
  private visible = true;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<ResourceTickDto> | null = null;
  private prevMachine: { busy: number; total: number } | null = null;
  private last: ResourceTickDto | null = null;
  private pending: ResourceRow[] = [];
  private lastFlush: number;
  private lastRetention = Number.NEGATIVE_INFINITY;
  private disposed = false;
  private readonly onError: (error: unknown) => void;

  /** Fires after every tick with all subjects' samples and the machine's totals. */
  readonly onDidSample: Event<ResourceTickDto> = this.onDidSampleEmitter.event;

  constructor(opts: ResourceSamplerOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.onError = opts.onError ?? (() => undefined);
    this.repo = opts.db ? new ResourceSamplesRepo(opts.db) : null;
    this.opts = {
      visibleIntervalMs: opts.visibleIntervalMs ?? VISIBLE_INTERVAL_MS,
      hiddenIntervalMs: opts.hiddenIntervalMs ?? HIDDEN_INTERVAL_MS,
      historySize: opts.historySize ?? DEFAULT_HISTORY,
      flushIntervalMs: opts.flushIntervalMs ?? DEFAULT_FLUSH_MS,
      retentionMs: opts.retentionMs ?? DEFAULT_RETENTION_MS,
    };
    this.lastFlush = this.now();
    this.store.add(toDisposable(() => this.timer && clearTimeout(this.timer)));
    if (opts.autoStart ?? true) this.schedule();
  }

  /** Whether process subjects can be measured here (Linux /proc). */
  get supportsProcesses(): boolean {
    return this.procFs;
  }

  /** The current tick interval: visible or hidden. */
  get intervalMs(): number {
    return this.visible ? this.opts.visibleIntervalMs : this.opts.hiddenIntervalMs;
  }

  /** A session's local process tree: `rootPid` and every descendant. Dispose to stop sampling it. */
  addProcessTree(subject: string, rootPid: number): Disposable {
    return this.add(subject, { kind: 'tree', rootPid, rootStart: null });
  }

  /** A fixed set of processes (Berth's own), without descendants; `pids` may be re-read each tick. */
  addProcesses(subject: string, pids: readonly number[] | (() => readonly number[])): Disposable {
    return this.add(subject, { kind: 'pids', pids: typeof pids === 'function' ? pids : () => pids });
  }

  /** An async source (Docker stats, pod metrics), called once per tick with a timeout. */
  addSource(subject: string, read: ResourceSource): Disposable {
    return this.add(subject, { kind: 'source', read });
  }

  private add(name: string, spec: Spec): Disposable {
    const state: SubjectState = { name, spec, prevTicks: null, prevAtNs: null, history: [], cpuSum: 0, cpuN: 0, memSum: 0, memN: 0 };
    this.subjects.set(name, state);
    return toDisposable(() => {
      if (this.subjects.get(name) === state) this.subjects.delete(name);
    });
  }

  /** Stops sampling a subject. */
  remove(subject: string): void {
    this.subjects.delete(subject);
  }

  /** Slows ticks to every five seconds while the window is hidden; back to one a second when shown. */
  setVisible(visible: boolean): void {
    if (this.visible === visible) return;
    this.visible = visible;
    if (this.timer) this.schedule();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.disposed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.sampleNow()
        .catch((e: unknown) => this.onError(e))
        .finally(() => {
          if (!this.timer) this.schedule();
        });
    }, this.intervalMs);
    this.timer.unref();
  }

  /** The last tick (null before the first). */
  latest(): ResourceTickDto | null {
    return this.last;
  }

  /** A subject's recent samples, oldest first (empty when unknown). */
  history(subject: string): readonly ResourceSampleDto[] {
    return this.subjects.get(subject)?.history ?? [];
  }

  /** Takes a sample now (a tick already running is shared, not doubled). */
  sampleNow(): Promise<ResourceTickDto> {
    this.running ??= this.collect().finally(() => (this.running = null));
    return this.running;
  }

  private async collect(): Promise<ResourceTickDto> {
    const at = this.now();
    const ns = process.hrtime.bigint();
    const states = [...this.subjects.values()];
    const procStates = states.filter((s) => s.spec.kind !== 'source');
    const table = procStates.length > 0 && this.procFs ? await this.readProcs(procStates) : null;
    const samples: ResourceSampleDto[] = [];
    for (const s of procStates) samples.push(table ? this.sampleProcs(s, table, at, ns) : { subject: s.name, at, cpuPercent: null, memoryBytes: null, processCount: null });
    const sourceStates = states.filter((s) => s.spec.kind === 'source');
    const readings = await Promise.all(sourceStates.map((s) => withTimeout((s.spec as Extract<Spec, { kind: 'source' }>).read())));
    sourceStates.forEach((s, i) => {
      const r = readings[i];
      samples.push({ subject: s.name, at, cpuPercent: finiteOrNull(r?.cpuPercent), memoryBytes: finiteOrNull(r?.memoryBytes), processCount: null });
    });
    for (const sample of samples) {
      const s = this.subjects.get(sample.subject);
      if (!s) continue; // removed while sources were read
      s.history.push(sample);
      if (s.history.length > this.opts.historySize) s.history.shift();
      if (sample.cpuPercent !== null) {
        s.cpuSum += sample.cpuPercent;
        s.cpuN++;
      }
      if (sample.memoryBytes !== null) {
        s.memSum += sample.memoryBytes;
        s.memN++;
      }
    }
    const tick: ResourceTickDto = { at, intervalMs: this.intervalMs, samples, machine: this.machine(at) };
    this.last = tick;
    if (!this.disposed) this.onDidSampleEmitter.fire(tick);
    if (this.now() - this.lastFlush >= this.opts.flushIntervalMs) this.flush();
    return tick;
  }

  /** One pass over /proc when any tree is sampled; otherwise just the listed pids. */
  private async readProcs(states: readonly SubjectState[]): Promise<{ stats: Map<number, ProcStat>; children: Map<number, number[]> | null }> {
    if (states.some((s) => s.spec.kind === 'tree')) {
      const stats = await this.reader.scanAll();
      const children = new Map<number, number[]>();
      for (const st of stats.values()) {
        const list = children.get(st.ppid);
        if (list) list.push(st.pid);
        else children.set(st.ppid, [st.pid]);
      }
      return { stats, children };
    }
    const stats = new Map<number, ProcStat>();
    for (const s of states) {
      if (s.spec.kind !== 'pids') continue;
      for (const pid of s.spec.pids()) {
        if (stats.has(pid)) continue;
        const st = this.reader.read(pid);
        if (st) stats.set(pid, st);
      }
    }
    return { stats, children: null };
  }

  private sampleProcs(s: SubjectState, table: { stats: Map<number, ProcStat>; children: Map<number, number[]> | null }, at: number, ns: bigint): ResourceSampleDto {
    let ticks = 0;
    let pages = 0;
    let count = 0;
    const spec = s.spec;
    if (spec.kind === 'tree') {
      const root = table.stats.get(spec.rootPid);
      // Gone, or the pid now belongs to a different process (reuse): the subject has no processes.
      if (!root || (spec.rootStart !== null && root.startTicks !== spec.rootStart)) {
        s.prevTicks = null;
        s.prevAtNs = null;
        return { subject: s.name, at, cpuPercent: null, memoryBytes: null, processCount: 0 };
      }
      spec.rootStart ??= root.startTicks;
      const stack = [spec.rootPid];
      // Bounded by the table size: the parent links read at slightly different instants can't loop us.
      while (stack.length > 0 && count < table.stats.size) {
        const st = table.stats.get(stack.pop()!);
        if (!st) continue;
        ticks += st.ownTicks + st.childTicks;
        pages += st.rssPages;
        count++;
        const kids = table.children?.get(st.pid);
        if (kids) stack.push(...kids);
      }
    } else if (spec.kind === 'pids') {
      for (const pid of new Set(spec.pids())) {
        const st = table.stats.get(pid);
        if (!st) continue;
        ticks += st.ownTicks;
        pages += st.rssPages;
        count++;
      }
      if (count === 0) {
        s.prevTicks = null;
        s.prevAtNs = null;
        return { subject: s.name, at, cpuPercent: null, memoryBytes: null, processCount: 0 };
      }
    }
    let cpuPercent: number | null = null;
    if (s.prevTicks !== null && s.prevAtNs !== null && ns > s.prevAtNs) {
      const wallSeconds = Number(ns - s.prevAtNs) / 1e9;
      // A member leaving the tree without being reaped inside it takes its ticks along: never below 0.
      cpuPercent = (Math.max(0, ticks - s.prevTicks) / USER_HZ / wallSeconds) * PERCENT;
    }
    s.prevTicks = ticks;
    s.prevAtNs = ns;
    return { subject: s.name, at, cpuPercent, memoryBytes: pages * this.pageSize, processCount: count };
  }

  private machine(at: number): MachineSampleDto {
    const totals = this.procFs ? this.reader.cpuTotals() : cpuTotalsFromOs();
    let cpuPercent: number | null = null;
    if (totals && this.prevMachine && totals.total > this.prevMachine.total) {
      cpuPercent = ((totals.busy - this.prevMachine.busy) / (totals.total - this.prevMachine.total)) * PERCENT * this.cores;
    }
    this.prevMachine = totals;
    const total = os.totalmem();
    return { at, cores: this.cores, cpuPercent, memoryTotalBytes: total, memoryUsedBytes: total - os.freemem() };
  }

  /**
   * Stores one row per subject (the means since the last flush) and, at most once a minute, deletes rows
   * past retention: one transaction. Returns the rows written.
   */
  flush(): Result<number> {
    const at = this.now();
    this.lastFlush = at;
    if (!this.repo) return ok(0);
    for (const s of this.subjects.values()) {
      if (s.cpuN > 0 && s.memN > 0) this.pending.push({ subject: s.name, at, cpuPercent: s.cpuSum / s.cpuN, memoryBytes: s.memSum / s.memN });
      s.cpuSum = s.memSum = s.cpuN = s.memN = 0;
    }
    const rows = this.pending;
    const retention = at - this.lastRetention >= RETENTION_EVERY_MS ? at - this.opts.retentionMs : null;
    this.pending = [];
    try {
      this.repo.write(rows, retention);
      if (retention !== null) this.lastRetention = at;
      return ok(rows.length);
    } catch (error) {
      this.pending = rows.slice(-MAX_PENDING_ROWS);
      return err('internal', `writing resource samples failed: ${(error as Error).message}`);
    }
  }

  /** Stops ticking and stores what was sampled since the last flush. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.store.dispose();
    this.flush();
  }
}

const finiteOrNull = (n: number | null | undefined): number | null => (typeof n === 'number' && Number.isFinite(n) ? n : null);

/** Resolves to the source's reading, or null when it throws or takes longer than SOURCE_TIMEOUT_MS. */
function withTimeout(p: Promise<SourceReading | null>): Promise<SourceReading | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), SOURCE_TIMEOUT_MS)));
  return Promise.race([p.catch(() => null), timeout]).finally(() => clearTimeout(timer));
}

/** Machine CPU counters from os.cpus() (ms), for systems without /proc. */
function cpuTotalsFromOs(): { busy: number; total: number } | null {
  let busy = 0;
  let total = 0;
  for (const c of os.cpus()) {
    const t = c.times;
    busy += t.user + t.nice + t.sys + t.irq;
    total += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  return total > 0 ? { busy, total } : null;
}
