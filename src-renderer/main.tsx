/**
 * Renderer entry: picks the transport (MessagePort on the desktop, WebSocket in a browser), creates the
 * connection and the store, and renders the app.
 */
import '@xterm/xterm/css/xterm.css';
import './styles/app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import { App } from './app/App.js';
import { ServicesProvider, type AppServices } from './app/services.js';
import { Connection } from './client/connection.js';
import { getDesktopBridge } from './client/desktop-bridge.js';
import { browserLinkDeps } from './client/safe-links.js';
import { messagePortTransportFactory, webSocketTransportFactory, webSocketUrl } from './client/transports.js';
import { createAppStore, loadRendererPref, persistRendererPref } from './store/app-store.js';
import { bindStoreToConnection } from './store/sync.js';

// The CSP forbids eval: keep zod from probing `new Function` (the probe itself is a CSP violation).
z.config({ jitless: true });

function boot(): void {
  const desktop = getDesktopBridge();
  const transport = desktop ? messagePortTransportFactory(desktop) : webSocketTransportFactory(webSocketUrl(window.location));
  const connection = new Connection(transport);
  const store = createAppStore({ terminalRenderer: loadRendererPref(window.localStorage) });
  persistRendererPref(store, window.localStorage);
  bindStoreToConnection(store, connection);
  connection.start();

  const services: AppServices = { connection, store, desktop, links: browserLinkDeps(desktop) };
  const rootElement = document.getElementById('root');
  if (!rootElement) throw new Error('index.html has no #root');
  createRoot(rootElement).render(
    <StrictMode>
      <ServicesProvider services={services}>
        <App />
      </ServicesProvider>
    </StrictMode>,
  );
}

boot();
