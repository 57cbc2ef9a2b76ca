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
import { BrowserLogin } from './client/browser-login.js';
import { Connection } from './client/connection.js';
import { getDesktopBridge } from './client/desktop-bridge.js';
import { bindAttention } from './features/attention/attention-sync.js';
import { browserLinkDeps } from './client/safe-links.js';
import { messagePortTransportFactory, webSocketTransportFactory, webSocketUrl, type TransportFactory } from './client/transports.js';
import { createAppStore, loadRendererPref, persistRendererPref } from './store/app-store.js';
import { bindStoreToConnection } from './store/sync.js';

// The CSP forbids eval: keep zod from probing `new Function` (the probe itself is a CSP violation).
z.config({ jitless: true });

function boot(): void {
  const desktop = getDesktopBridge();
  let login: BrowserLogin | undefined;
  let transport: TransportFactory;
  if (desktop) {
    transport = messagePortTransportFactory(desktop);
  } else {
    // In a browser: the login secret from the one-time link, kept in this origin's storage.
    login = new BrowserLogin({ storage: window.localStorage, location: window.location, history: window.history, fetch: window.fetch.bind(window) });
    transport = webSocketTransportFactory(webSocketUrl(window.location), login);
  }
  const connection = new Connection(transport, () => login !== undefined && login.secret() === null);
  const store = createAppStore({ terminalRenderer: loadRendererPref(window.localStorage) });
  persistRendererPref(store, window.localStorage);
  bindStoreToConnection(store, connection);
  bindAttention(store, connection, document);
  // Opened from a login link: trade its token for the login first, then connect with it.
  void (login ? login.completeLink() : Promise.resolve()).then(() => connection.start());

  const services: AppServices = { connection, store, desktop, links: browserLinkDeps(desktop), login };
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
