/**
 * Linux /proc readers for the resource sampler: one pass over /proc/[pid]/stat (no process spawned, no
 * per-session scan), the machine's CPU counters from /proc/stat, and the page size from the aux vector.
 *
 * Files are read with one reused buffer and parsed as bytes, so a tick over a few hundred processes
 * allocates almost nothing. https://man7.org/linux/man-pages/man5/proc_pid_stat.5.html
 */
import fs from 'node:fs';
import os from 'node:os';

/**
 * Clock ticks per second of the utime/stime/cutime/cstime fields (USER_HZ). Linux fixes it at 100 for
 * user space on every architecture (sysconf(_SC_CLK_TCK)); Node has no sysconf binding to ask.
 */
export const USER_HZ = 100;
/** Page size when the aux vector can't be read; 4 KiB on x86-64 and most arm64 kernels. */
const DEFAULT_PAGE_SIZE = 4_096;
/** AT_PAGESZ, the aux-vector key for the page size (elf.h). */
const AT_PAGESZ = 6n;
/** A stat line is a few hundred bytes; the comm field is at most 64. */
const STAT_BUFFER_BYTES = 4_096;

const SPACE = 0x20;
const CLOSE_PAREN = 0x29;
const ZERO = 0x30;

/**
 * Stat files read per turn of the event loop in a scan: a machine runs hundreds of processes, and
 * reading all their stat files at once (~3 syscalls each) held the loop for 5-15 ms every second.
 */
export const SCAN_SLICE_FILES = 50;

/** The fields of /proc/[pid]/stat the sampler uses. Times are in USER_HZ ticks, rss in pages. */
export interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime: CPU time of the process itself. */
  ownTicks: number;
  /** cutime + cstime: CPU time of its waited-for (reaped) descendants. */
  childTicks: number;
  /** Start time after boot, ticks: tells a reused pid from the original. */
  startTicks: number;
  rssPages: number;
}

/** Whether /proc is there to read (Linux). Elsewhere the sampler reports null for processes. */
export function hasProcFs(): boolean {
  return process.platform === 'linux' && fs.existsSync('/proc/self/stat');
}

/** The page size from /proc/self/auxv (AT_PAGESZ), or 4 KiB. */
export function readPageSize(): number {
  try {
    const buf = fs.readFileSync('/proc/self/auxv');
    const wide = ['x64', 'arm64', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el'].includes(process.arch);
    const size = wide ? 8 : 4;
    const le = os.endianness() === 'LE';
    for (let off = 0; off + 2 * size <= buf.length; off += 2 * size) {
      const read = (o: number) =>
        size === 8 ? (le ? buf.readBigUInt64LE(o) : buf.readBigUInt64BE(o)) : BigInt(le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
      const key = read(off);
      if (key === 0n) break;
      if (key === AT_PAGESZ) return Number(read(off + size));
    }
  } catch {
    // No auxv (not Linux, or restricted): fall through.
  }
  return DEFAULT_PAGE_SIZE;
}

/**
 * Parses a stat line held in `buf[0..len)`. Fields after the `(comm)` (which may itself hold spaces and
 * parentheses, hence the search for the last `)`) are numbered from 3 (state).
 */
export function parseStat(buf: Uint8Array, len: number, pid: number): ProcStat | null {
  let i = len - 1;
  while (i >= 0 && buf[i] !== CLOSE_PAREN) i--;
  if (i < 0) return null;
  i += 2; // skip ") "
  const out: ProcStat = { pid, ppid: 0, ownTicks: 0, childTicks: 0, startTicks: 0, rssPages: 0 };
  let field = 3;
  while (i < len && field <= 24) {
    // Read one space-separated field as a non-negative integer (state and negative fields read as junk we skip).
    let n = 0;
    while (i < len && buf[i] !== SPACE) {
      n = n * 10 + (buf[i]! - ZERO);
      i++;
    }
    switch (field) {
      case 4: out.ppid = n; break;
      case 14: case 15: out.ownTicks += n; break;
      case 16: case 17: out.childTicks += n; break;
      case 22: out.startTicks = n; break;
      case 24: out.rssPages = n; break;
    }
    field++;
    i++;
  }
  return field > 24 ? out : null;
}

/** Reads /proc/[pid]/stat files with one reused buffer. */
export class ProcReader {
  private readonly buf = Buffer.allocUnsafe(STAT_BUFFER_BYTES);

  /** One process's stat, or null when it is gone. */
  read(pid: number): ProcStat | null {
    let fd: number | undefined;
    try {
      fd = fs.openSync(`/proc/${pid}/stat`, 'r');
      const len = fs.readSync(fd, this.buf, 0, STAT_BUFFER_BYTES, 0);
      return parseStat(this.buf, len, pid);
    } catch {
      return null;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }

  /**
   * Every process on the machine: the one scan a tick makes to build the parent map. Read in slices of
   * SCAN_SLICE_FILES files, yielding to the event loop between them.
   */
  async scanAll(): Promise<Map<number, ProcStat>> {
    const out = new Map<number, ProcStat>();
    let inSlice = 0;
    for (const name of fs.readdirSync('/proc')) {
      const c = name.charCodeAt(0);
      if (c < ZERO || c > ZERO + 9) continue;
      if (++inSlice > SCAN_SLICE_FILES) {
        inSlice = 1;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const pid = Number(name);
      const st = this.read(pid);
      if (st) out.set(pid, st);
    }
    return out;
  }

  /** Machine-wide CPU counters (all cores) from the first line of /proc/stat, in ticks. */
  cpuTotals(): { busy: number; total: number } | null {
    const line = this.readText('/proc/stat').split('\n', 1)[0] ?? '';
    if (!line.startsWith('cpu ')) return null;
    // user nice system idle iowait irq softirq steal (guest time is already inside user/nice).
    const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = v.reduce((a, b) => a + b, 0);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    return { busy: total - idle, total };
  }

  private readText(file: string): string {
    const fd = fs.openSync(file, 'r');
    try {
      const len = fs.readSync(fd, this.buf, 0, STAT_BUFFER_BYTES, 0);
      return this.buf.toString('latin1', 0, len);
    } finally {
      fs.closeSync(fd);
    }
  }
}
