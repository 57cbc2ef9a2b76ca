/**
 * Answers "does this ref exist / which commit is it" from one long-lived `git cat-file --batch-check`
 * per repository, instead of a git process per question: session create asks several and each exec
 * costs a few milliseconds on the create → first output path.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Disposable } from '../../src-shared/lifecycle.js';
import { GIT_SAFE_CONFIG, gitEnv } from './git.js';

/** A repository's batch process ends after this long without questions. */
const IDLE_MS = 60_000;
/** A question not answered within this long fails (and the process is restarted next time). */
const ANSWER_TIMEOUT_MS = 10_000;

interface Pending {
  resolve(line: string | null): void;
}

class BatchProcess {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly queue: Pending[] = [];
  private buffer = '';
  private idleTimer: NodeJS.Timeout | null = null;
  dead = false;

  constructor(root: string, private readonly onDead: () => void) {
    this.proc = spawn('git', [...GIT_SAFE_CONFIG, 'cat-file', '--batch-check'], {
      cwd: root,
      env: gitEnv(),
    });
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (chunk: string) => this.onData(chunk));
    this.proc.on('error', () => this.kill());
    this.proc.on('exit', () => this.kill());
    this.proc.stdin.on('error', () => this.kill());
    this.touch();
  }

  /** One line of `cat-file --batch-check` output for `name`, or null if the process failed. */
  ask(name: string): Promise<string | null> {
    if (this.dead || /[\n\r]/.test(name)) return Promise.resolve(null);
    this.touch();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.kill(), ANSWER_TIMEOUT_MS);
      this.queue.push({
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
      this.proc.stdin.write(`${name}\n`);
    });
  }

  kill(): void {
    if (this.dead) return;
    this.dead = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.proc.kill();
    for (const p of this.queue.splice(0)) p.resolve(null);
    this.onDead();
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      this.queue.shift()?.resolve(line);
    }
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.kill(), IDLE_MS);
    this.idleTimer.unref();
  }
}

/** Resolves object names (refs, branches, `X^{commit}`) to commit ids through per-repo batch processes. */
export class RefResolver implements Disposable {
  private readonly processes = new Map<string, BatchProcess>();

  /**
   * The object id `name` resolves to in `root`, null when it doesn't exist; undefined when the batch
   * process could not answer (callers fall back to a plain git call).
   */
  async resolve(root: string, name: string): Promise<string | null | undefined> {
    let proc = this.processes.get(root);
    if (!proc || proc.dead) {
      proc = new BatchProcess(root, () => {
        if (this.processes.get(root) === proc) this.processes.delete(root);
      });
      this.processes.set(root, proc);
    }
    const line = await proc.ask(name);
    if (line === null) return undefined;
    if (line.endsWith(' missing') || line.endsWith(' ambiguous')) return null;
    const [oid, type] = line.split(' ');
    return oid && type ? oid : undefined;
  }

  dispose(): void {
    for (const p of this.processes.values()) p.kill();
    this.processes.clear();
  }
}
