/**
 * A protocol frame transport over a message port: the renderer's DOM `MessagePort` and the main
 * process's Electron `MessagePortMain` differ only in how they subscribe, so each adapts its port to
 * `FramePort` and shares the framing, validation and close handling here.
 */
import type { FrameTransport } from './client.js';
import { ServerFrame, type ClientFrame } from './contract.js';
import { Emitter } from './lifecycle.js';

/** What a transport needs of a port. */
export interface FramePort {
  onMessage(listener: (data: unknown) => void): void;
  /** The other side went away (where the port type reports it). */
  onClose(listener: () => void): void;
  postMessage(frame: ClientFrame): void;
  start(): void;
  close(): void;
}

/** Frames from the port, checked against the contract (anything else is dropped); closes once. */
export function portFrameTransport(port: FramePort): FrameTransport {
  const onFrame = new Emitter<ServerFrame>();
  const onClose = new Emitter<void>();
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    port.close();
    onClose.fire();
    onFrame.dispose();
    onClose.dispose();
  };
  port.onMessage((data) => {
    const parsed = ServerFrame.safeParse(data);
    if (parsed.success) onFrame.fire(parsed.data);
  });
  port.onClose(close);
  port.start();
  return {
    send: (frame) => {
      if (!closed) port.postMessage(frame);
    },
    onFrame: onFrame.event,
    onClose: onClose.event,
    close,
  };
}
