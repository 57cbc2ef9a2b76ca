/**
 * Port brokering: one MessageChannelMain per window request, one end to the orchestrator, the other to
 * the window.
 *
 * Protocol (the orchestrator side lives in src-main/orchestrator): the orchestrator receives
 * `{type:'berth.port', windowId}` on `process.parentPort` with the port in `event.ports[0]`; the window
 * receives the other end on the 'berth:port' IPC channel. Requests that arrive while the orchestrator is
 * down (starting, restarting after a crash) wait and are served when it is back.
 * Pattern: https://www.electronjs.org/docs/latest/tutorial/message-ports#setting-up-a-messagechannel-between-two-renderers
 */
import { MessageChannelMain, type MessagePortMain } from 'electron';
import { DesktopChannel } from '../../src-preload/channels.js';
import type { Logger } from './logger.js';

/** Message posted to the orchestrator with the port in the transfer list. */
export interface PortHandoffMessage {
  readonly type: 'berth.port';
  readonly windowId: number;
}

/** The orchestrator process as the broker sees it (a UtilityProcess). */
export interface PortReceiver {
  postMessage(message: PortHandoffMessage, transfer: MessagePortMain[]): void;
}

/** A window's web contents as the broker sees it. */
export interface PortRequester {
  postMessage(channel: string, message: unknown, transfer: MessagePortMain[]): void;
  isDestroyed(): boolean;
}

/** Hands each requesting window a fresh port to the orchestrator. */
export class PortBroker {
  private orchestrator: PortReceiver | undefined;
  /** Requests waiting for the orchestrator, latest per window. */
  private readonly waiting = new Map<number, PortRequester>();

  constructor(private readonly log: Logger) {}

  /** Number of windows waiting for a port. */
  get pendingCount(): number {
    return this.waiting.size;
  }

  /**
   * Sets the live orchestrator (or clears it when it exits) and serves the windows waiting for it.
   */
  setOrchestrator(orchestrator: PortReceiver | undefined): void {
    this.orchestrator = orchestrator;
    if (!orchestrator) return;
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const [windowId, requester] of waiting) this.connect(windowId, requester);
  }

  /**
   * Gives window `windowId` a new channel: port1 to the orchestrator, port2 to the window.
   *
   * Each call makes a new channel; the renderer asks again when its port closes.
   */
  connect(windowId: number, requester: PortRequester): void {
    if (requester.isDestroyed()) return;
    const orchestrator = this.orchestrator;
    if (!orchestrator) {
      this.waiting.set(windowId, requester);
      this.log.info(`window ${windowId} waits for the orchestrator`);
      return;
    }
    const { port1, port2 } = new MessageChannelMain();
    try {
      orchestrator.postMessage({ type: 'berth.port', windowId }, [port1]);
    } catch (error) {
      // The process died between its exit and our hearing of it: wait for the restart.
      this.log.warn(`could not hand a port to the orchestrator for window ${windowId}`, error);
      port1.close();
      port2.close();
      this.waiting.set(windowId, requester);
      return;
    }
    requester.postMessage(DesktopChannel.port, null, [port2]);
  }

  /** Drops a closed window's pending request. */
  forget(windowId: number): void {
    this.waiting.delete(windowId);
  }
}
