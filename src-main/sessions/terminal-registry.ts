/**
 * The sessions' terminals: live ones, and the last screens of recently ended ones (so reopening an
 * exited session shows how it ended), bounded so ended sessions don't hold memory forever.
 */
import type { Disposable } from '../../src-shared/lifecycle.js';
import type { TerminalHost } from './terminal-host.js';

/** Ended sessions whose last screen is kept in memory (each holds a headless terminal). */
export const MAX_ENDED_TERMINALS = 32;

export class TerminalRegistry implements Disposable {
  private readonly live = new Map<string, TerminalHost>();
  /** Newest last. */
  private readonly ended = new Map<string, TerminalHost>();

  /** The live terminal, if the session's process runs here. */
  getLive(id: string): TerminalHost | undefined {
    return this.live.get(id);
  }

  /** Live, or the last screen of one that ended. */
  get(id: string): TerminalHost | undefined {
    return this.live.get(id) ?? this.ended.get(id);
  }

  setLive(id: string, host: TerminalHost): void {
    this.live.set(id, host);
  }

  liveIds(): string[] {
    return [...this.live.keys()];
  }

  liveHosts(): TerminalHost[] {
    return [...this.live.values()];
  }

  /**
   * Lets a live terminal go without stopping its process (it outlives the orchestrator and is adopted
   * by the next one): the host is disposed, no exit is reported.
   */
  release(id: string): void {
    const host = this.live.get(id);
    if (!host) return;
    this.live.delete(id);
    host.dispose();
  }

  /** Moves an exited terminal to the ended ones (evicting the oldest beyond the bound). */
  markEnded(id: string, host: TerminalHost): void {
    if (this.live.get(id) === host) this.live.delete(id);
    this.drop(id);
    this.ended.set(id, host);
    while (this.ended.size > MAX_ENDED_TERMINALS) {
      const [oldest] = this.ended.keys();
      this.drop(oldest!);
    }
  }

  /** Forgets an ended terminal (restart, archive, delete). */
  drop(id: string): void {
    const host = this.ended.get(id);
    if (!host) return;
    this.ended.delete(id);
    // After the current turn, so frames already queued for clients go out first.
    setTimeout(() => host.dispose(), 0);
  }

  dispose(): void {
    for (const host of [...this.live.values(), ...this.ended.values()]) host.dispose();
    this.live.clear();
    this.ended.clear();
  }
}
