/**
 * The app's frame: sidebar on the left, session panes or a page (settings, doctor, …) on the right,
 * dialogs on top.
 */
import type { ComponentType } from 'react';
import { DashboardPage } from '../features/dashboard/DashboardPage.js';
import { DoctorPage } from '../features/doctor/DoctorPage.js';
import { EgressAskBar } from '../features/proxy/ask/EgressAskBar.js';
import { AuditPage } from '../features/proxy/audit/AuditPage.js';
import { CreateDialog } from '../features/sessions/CreateDialog.js';
import { Sidebar } from '../features/sessions/Sidebar.js';
import { SettingsPage } from '../features/settings/SettingsPage.js';
import { PaneArea } from '../features/terminal/PaneArea.js';
import type { PageView } from '../store/ui-slice.js';
import { ConnectionBanner } from './ConnectionBanner.js';
import { useAppState } from './services.js';

/** The component of each page view (one line per page). */
const PAGES: Record<PageView, ComponentType> = {
  dashboard: DashboardPage,
  settings: SettingsPage,
  doctor: DoctorPage,
  audit: AuditPage,
};

export function App() {
  const view = useAppState((s) => s.view);
  const createOpen = useAppState((s) => s.createDialogOpen);
  const Page = view === 'sessions' ? null : PAGES[view];
  return (
    <div className="app" data-testid="app">
      <ConnectionBanner />
      <EgressAskBar />
      <div className="app-body">
        <Sidebar />
        <main className="main">{Page ? <Page /> : <PaneArea />}</main>
      </div>
      {createOpen ? <CreateDialog /> : null}
    </div>
  );
}
