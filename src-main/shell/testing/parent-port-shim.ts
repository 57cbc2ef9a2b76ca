/**
 * Loaded (`--import`) into a utility process that the electron mock runs as a real Node child: gives it
 * the `process.parentPort` an Electron utility process has, over Node's IPC channel with structured-clone
 * serialization (as Electron's postMessage). Messages arrive as `{data, ports}`; MessagePorts can't
 * cross this channel, so `ports` is always empty. https://www.electronjs.org/docs/latest/api/parent-port
 */
import { EventEmitter } from 'node:events';

/** Electron's `process.parentPort`, over `process.send` / `process.on('message')`. */
class ParentPort extends EventEmitter {
  constructor() {
    super();
    process.on('message', (data: unknown) => this.emit('message', { data, ports: [] }));
  }

  postMessage(message: unknown): void {
    process.send?.(message);
  }
}

if (process.send) (process as unknown as { parentPort: ParentPort }).parentPort = new ParentPort();
