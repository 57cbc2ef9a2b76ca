/**
 * React context carrying the app's long-lived services: the connection, the store, the desktop bridge.
 */
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { BrowserLogin } from '../client/browser-login.js';
import type { Connection } from '../client/connection.js';
import type { DesktopBridge } from '../../src-shared/desktop-bridge.js';
import type { LinkOpenerDeps } from '../client/safe-links.js';
import type { AppState, AppStore } from '../store/app-store.js';

/** What every component may reach. */
export interface AppServices {
  connection: Connection;
  store: AppStore;
  desktop: DesktopBridge | null;
  links: LinkOpenerDeps;
  /** The browser's login to a headless orchestrator; absent on the desktop. */
  login?: BrowserLogin;
}

const ServicesContext = createContext<AppServices | null>(null);

export function ServicesProvider({ services, children }: { services: AppServices; children: ReactNode }) {
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

export function useServices(): AppServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices outside ServicesProvider');
  return services;
}

/** Selects from the app store; the selector must return a stable value (no fresh arrays). */
export function useAppState<T>(selector: (state: AppState) => T): T {
  return useStore(useServices().store, selector);
}
