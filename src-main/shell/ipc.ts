/**
 * The one IPC wrapper: every main-process handler is registered here, behind a sender check and a
 * zod parse of its arguments. Raw `ipcMain` is banned everywhere else by lint.
 *
 * Sender check per Electron's security checklist item 17:
 * https://www.electronjs.org/docs/latest/tutorial/security#17-validate-the-sender-of-all-ipc-messages
 */
import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent, type WebFrameMain } from 'electron';
import type { z } from 'zod';
import { toDisposable, type Disposable } from '../../src-shared/lifecycle.js';
import { describeZodError, err, type Result } from '../../src-shared/result.js';
import type { Logger } from './logger.js';

/**
 * True when `frame` is the top frame of one of our windows showing the app's page.
 *
 * A null frame (navigated away or destroyed before the message was handled), a detached frame, a
 * subframe, or any other URL is refused.
 */
export function isTrustedSender(frame: WebFrameMain | null | undefined, isAppUrl: (url: string) => boolean): boolean {
  if (!frame || frame.detached || frame.parent !== null) return false;
  return isAppUrl(frame.url);
}

/** Registers checked IPC handlers; dispose to unregister all of them. */
export class Ipc implements Disposable {
  private readonly registrations: Disposable[] = [];

  constructor(
    private readonly isAppUrl: (url: string) => boolean,
    private readonly log: Logger,
  ) {}

  /**
   * Answers `ipcRenderer.invoke(channel, ...args)` with a Result; `args` is a zod tuple of the arguments.
   *
   * Refused senders get `forbidden`, bad arguments `bad_request`; a throwing handler becomes `internal`
   * (and is logged) so the renderer always receives a value, never Electron's generic rejection.
   */
  handle<A extends readonly unknown[], T>(
    channel: string,
    args: z.ZodType<A>,
    handler: (args: A, event: IpcMainInvokeEvent) => Promise<Result<T>> | Result<T>,
  ): Disposable {
    ipcMain.handle(channel, async (event, ...raw: unknown[]): Promise<Result<T>> => {
      const parsed = this.check(channel, event, args, raw);
      if (!parsed.ok) return parsed;
      try {
        return await handler(parsed.value, event);
      } catch (error) {
        this.log.error(`IPC handler ${channel} failed`, error);
        return err('internal', `${channel} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    return this.track(toDisposable(() => ipcMain.removeHandler(channel)));
  }

  /** Listens to `ipcRenderer.send(channel, ...args)`; refused or malformed messages are logged and dropped. */
  on<A extends readonly unknown[]>(
    channel: string,
    args: z.ZodType<A>,
    listener: (args: A, event: IpcMainEvent) => void,
  ): Disposable {
    const wrapped = (event: IpcMainEvent, ...raw: unknown[]): void => {
      const parsed = this.check(channel, event, args, raw);
      if (!parsed.ok) return;
      try {
        listener(parsed.value, event);
      } catch (error) {
        this.log.error(`IPC listener ${channel} failed`, error);
      }
    };
    ipcMain.on(channel, wrapped);
    return this.track(toDisposable(() => ipcMain.removeListener(channel, wrapped)));
  }

  dispose(): void {
    for (const registration of this.registrations.splice(0)) registration.dispose();
  }

  private check<A>(
    channel: string,
    event: IpcMainEvent | IpcMainInvokeEvent,
    schema: z.ZodType<A>,
    raw: unknown[],
  ): Result<A> {
    if (!isTrustedSender(event.senderFrame, this.isAppUrl)) {
      this.log.warn(`IPC ${channel} refused: sender ${event.senderFrame?.url ?? '(gone)'} is not the app`);
      return err('forbidden', `${channel}: sender is not the Berth app`);
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      this.log.warn(`IPC ${channel} refused: ${describeZodError(parsed.error)}`);
      return err('bad_request', `${channel}: ${describeZodError(parsed.error)}`);
    }
    return { ok: true, value: parsed.data };
  }

  private track(registration: Disposable): Disposable {
    this.registrations.push(registration);
    return registration;
  }
}
