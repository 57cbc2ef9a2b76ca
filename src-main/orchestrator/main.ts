/**
 * Entry of the orchestrator process. In the desktop app it runs in an Electron utilityProcess: the
 * main process hands it one MessagePort per window (`{type:'berth.port'}`), each carrying contract
 * frames. Run with plain Node it serves headless, like `berth serve`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '../server/connection.js';
import { installProcessFaultHandlers } from '../metrics/faults.js';
import { stringifyWithRaw } from '../server/raw-json.js';
import { resolveDataDir } from './data-dir.js';
import { channelKeychain, type DesktopKeychain } from '../vault/keychain-protocol.js';
import { DEFAULT_PORT, startOrchestrator } from './index.js';
import { findRendererDir } from './renderer-dir.js';

/** The slice of Electron's MessagePortMain the orchestrator uses (no electron import here). */
interface PortLike {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  on(event: 'close', listener: () => void): void;
  postMessage(message: unknown): void;
  start(): void;
}

interface ParentPortLike {
  on(event: 'message', listener: (e: { data: unknown; ports: PortLike[] }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The desktop app's keychain: main seals and unseals the vault's key-encryption keys with Electron
 * safeStorage when asked on this channel (keys travel in memory here, never in env or argv).
 */
function parentPortKeychain(port: ParentPortLike): DesktopKeychain {
  return channelKeychain({ postMessage: (message) => port.postMessage(message), onMessage: (listener) => port.on('message', (e) => listener(e.data)) });
}

async function main(): Promise<void> {
  // One fault nobody handled must not take every local session down: log it, count it, keep serving.
  installProcessFaultHandlers();
  const embedded = parentPort !== undefined;
  const started = await startOrchestrator({
    keychain: parentPort ? parentPortKeychain(parentPort) : undefined,
    dataDir: resolveDataDir(),
    mode: embedded ? 'desktop' : 'headless',
    port: embedded ? 0 : process.env.BERTH_PORT ? Number(process.env.BERTH_PORT) : DEFAULT_PORT,
    rendererDir: findRendererDir(here) ?? null,
  });
  if (!started.ok) {
    console.error(`berth: ${started.error.message}`);
    parentPort?.postMessage({ type: 'berth.failed', message: started.error.message });
    process.exit(1);
  }
  const orch = started.value;
  if (parentPort) {
    parentPort.on('message', (e) => {
      const data = e.data as { type?: string } | null;
      const port = e.ports[0];
      if (data?.type !== 'berth.port' || !port) return;
      // Structured clone, not JSON: RawJson values are turned back into plain data first.
      const connection = new Connection({ send: (frame) => port.postMessage(frame.type === 'res' ? JSON.parse(stringifyWithRaw(frame)) : frame) }, orch.api, orch.sessions, orch.events);
      port.on('message', (m) => void connection.receive(m.data));
      port.on('close', () => connection.dispose());
      port.start();
    });
    parentPort.postMessage({ type: 'berth.ready', url: orch.url });
  } else {
    console.log(`Berth is serving headless at ${orch.url} — open ${orch.loginUrl()} in a browser (one-time login link)`);
  }
  const shutdown = () => void orch.close().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

void main();
