/**
 * Banner shown while the orchestrator connection is down.
 */
import { useAppState } from './services.js';

export function ConnectionBanner() {
  const status = useAppState((s) => s.connectionStatus);
  if (status === 'connected') return null;
  return (
    <div className={`connection-banner banner-${status}`} role="status" data-testid="connection-banner" data-status={status}>
      {status === 'connecting' ? 'Connecting to the orchestrator…' : null}
      {status === 'reconnecting' ? 'Disconnected from the orchestrator — reconnecting…' : null}
      {status === 'unauthorized' ? (
        <>
          This browser is not or no longer logged in to the orchestrator (it restarted, the login expired, or you
          logged out). Open a fresh login link: run <code>berth open</code> and paste the link into the address bar.
        </>
      ) : null}
    </div>
  );
}
