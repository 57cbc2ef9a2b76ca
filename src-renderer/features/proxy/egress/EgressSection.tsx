/**
 * Settings → Egress: which hosts sessions may reach through the proxy (allow / deny / ask, by default
 * and per host, for every session or one) and the audit trail's switch and retention, saved with
 * `settings.update({proxy: {egress, audit}})`.
 *
 * Answers remembered from the ask prompt add rules on the orchestrator, so the settings are fetched
 * again when the section opens.
 */
import { useEffect, useMemo } from 'react';
import type { AuditSettings, EgressSettings } from '../../../../src-shared/proxy-settings.js';
import { useAppState, useServices } from '../../../app/services.js';
import { sortSessions } from '../../../store/sessions-slice.js';
import { SaveStatus } from '../../settings/SaveStatus.js';
import { useSettingsSave } from '../../settings/use-settings-save.js';
import { EgressFields } from './EgressFields.js';
import '../proxy.css';

export function EgressSection() {
  const { connection, store } = useServices();
  const connected = useAppState((s) => s.connectionStatus === 'connected');
  const proxy = useAppState((s) => s.settings?.proxy);
  const sessions = useAppState((s) => s.sessions);
  const [save, update] = useSettingsSave();
  const active = useMemo(() => sortSessions(Object.values(sessions)).filter((s) => !s.archived), [sessions]);

  useEffect(() => {
    if (!connected) return;
    let current = true;
    void connection.request('settings.get', {}).then((result) => {
      if (current && result.ok) store.getState().setSettings(result.value);
    });
    return () => {
      current = false;
    };
  }, [connection, connected, store]);

  const onSave = (patch: { egress?: EgressSettings; audit?: AuditSettings }) => update({ proxy: patch });

  return (
    <section className="settings-section" data-testid="settings-egress">
      <h2>Egress</h2>
      <p className="field-hint">
        Which hosts sessions may reach through the credential proxy. Requests to a host that is set to Ask wait until you allow or deny
        them.
      </p>
      {proxy ? (
        <EgressFields
          key={JSON.stringify([proxy.egress, proxy.audit])}
          egress={proxy.egress}
          audit={proxy.audit}
          sessions={active}
          names={sessions}
          saving={save.kind === 'saving'}
          onSave={(patch) => void onSave(patch)}
        />
      ) : (
        <p className="field-hint">Loading…</p>
      )}
      <SaveStatus state={save} testId="settings-egress-save-status" />
    </section>
  );
}
