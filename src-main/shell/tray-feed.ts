/**
 * Feeds the tray from the orchestrator: the main process takes a MessagePort to it through the port
 * broker, as a window does (under its own id), lists the sessions and the on-quit choice, then follows
 * `session.updated` / `session.removed` events. When the port closes (the orchestrator restarted) it
 * asks for a new one and lists again.
 */
import type { MessagePortMain } from 'electron';
import { ProtocolClient, type FrameTransport } from '../../src-shared/client.js';
import { MAX_LIST_LIMIT } from '../../src-shared/contract.js';
import { portFrameTransport } from '../../src-shared/port-transport.js';
import { QuitPolicy, SessionDto } from '../../src-shared/dto.js';
import { z } from 'zod';
import type { Disposable } from '../../src-shared/lifecycle.js';
import type { Logger } from './logger.js';
import type { PortBroker } from './port-broker.js';
import type { BerthTray } from './tray.js';

/** The broker id of the tray's connection; windows have positive ids, so it never collides with one. */
export const TRAY_CLIENT_ID = -1;

/** The sink of the feed (a BerthTray). */
export type TraySink = Pick<BerthTray, 'setSessions' | 'updateSession' | 'removeSession' | 'setOnQuit'>;

const SessionList = z.array(SessionDto);

/** A frame transport over a main-process MessagePort. */
export function mainPortTransport(port: MessagePortMain): FrameTransport {
  return portFrameTransport({
    onMessage: (listener) => port.on('message', (event) => listener(event.data)),
    onClose: (listener) => port.on('close', listener),
    postMessage: (frame) => port.postMessage(frame),
    start: () => port.start(),
    close: () => port.close(),
  });
}

/** Keeps `tray` in step with the orchestrator's sessions; dispose to stop. */
export function connectTrayFeed(tray: TraySink, broker: Pick<PortBroker, 'connect' | 'forget'>, log: Logger): Disposable {
  let disposed = false;
  let client: ProtocolClient | undefined;

  const adopt = (port: MessagePortMain): void => {
    const current = new ProtocolClient(mainPortTransport(port));
    client = current;
    current.onDidEvent((frame) => {
      if (frame.event === 'session.updated') tray.updateSession(frame.session);
      else if (frame.event === 'session.removed') tray.removeSession(frame.id);
    });
    current.onDidClose(() => {
      if (client === current) client = undefined;
      if (!disposed) request();
    });
    void current.request('sessions.list', { limit: MAX_LIST_LIMIT }).then((result) => {
      const sessions = result.ok ? SessionList.safeParse(result.value) : null;
      if (sessions?.success) tray.setSessions(sessions.data);
      else log.warn(`the tray could not list the sessions: ${result.ok ? 'the answer was not a session list' : result.error.message}`);
    });
    void current.request('settings.get', {}).then((result) => {
      const onQuit = result.ok ? QuitPolicy.safeParse(result.value.onQuit) : null;
      if (onQuit?.success) tray.setOnQuit(onQuit.data);
    });
  };

  const request = (): void =>
    broker.connect(TRAY_CLIENT_ID, {
      isDestroyed: () => disposed,
      postMessage: (_channel, _message, [port]) => {
        if (port && !disposed) adopt(port);
        else port?.close();
      },
    });

  request();
  return {
    dispose: () => {
      disposed = true;
      broker.forget(TRAY_CLIENT_ID);
      client?.dispose();
    },
  };
}
