/**
 * The app's frame: sidebar on the left, session panes or settings on the right, dialogs on top.
 */
import { CreateDialog } from '../features/sessions/CreateDialog.js';
import { Sidebar } from '../features/sessions/Sidebar.js';
import { SettingsPage } from '../features/settings/SettingsPage.js';
import { PaneArea } from '../features/terminal/PaneArea.js';
import { ConnectionBanner } from './ConnectionBanner.js';
import { useAppState } from './services.js';

export function App() {
  const view = useAppState((s) => s.view);
  const createOpen = useAppState((s) => s.createDialogOpen);
  return (
    <div className="app" data-testid="app">
      <ConnectionBanner />
      <div className="app-body">
        <Sidebar />
        <main className="main">{view === 'settings' ? <SettingsPage /> : <PaneArea />}</main>
      </div>
      {createOpen ? <CreateDialog /> : null}
    </div>
  );
}
