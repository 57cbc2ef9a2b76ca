/**
 * Settings: where Berth keeps its data, default agent and backend, what a quit does with running
 * sessions, Docker and its caches, credentials (saved on the orchestrator), and this device's terminal
 * renderer.
 */
import { useEffect, useState } from 'react';
import type { AgentProfileDto, BackendDto, SettingsDto } from '../../../src-shared/dto.js';
import { useAppState, useServices } from '../../app/services.js';
import type { TerminalRendererPref } from '../../store/ui-slice.js';
import { CredentialsSection } from '../credentials/CredentialsSection.js';
import { EgressSection } from '../proxy/egress/EgressSection.js';
import { ProvidersSection } from '../proxy/providers/ProvidersSection.js';
import { RulesSection } from '../proxy/rules/RulesSection.js';
import { CachesSection } from './CachesSection.js';
import { DockerSettingsSection } from './DockerSettingsSection.js';
import { QuitPolicySection } from './QuitPolicySection.js';
import { SaveStatus } from './SaveStatus.js';
import { useSettingsSave } from './use-settings-save.js';

export function SettingsPage() {
  const { connection } = useServices();
  const info = useAppState((s) => s.systemInfo);
  const settings = useAppState((s) => s.settings);
  const renderer = useAppState((s) => s.terminalRenderer);
  const setRenderer = useAppState((s) => s.setTerminalRenderer);
  const connected = useAppState((s) => s.connectionStatus === 'connected');
  const [agents, setAgents] = useState<AgentProfileDto[]>([]);
  const [backends, setBackends] = useState<BackendDto[]>([]);
  const [save, update] = useSettingsSave();

  useEffect(() => {
    if (!connected) return;
    let current = true;
    void Promise.all([connection.request('agents.list', {}), connection.request('backends.list', {})]).then(([a, b]) => {
      if (!current) return;
      if (a.ok) setAgents(a.value);
      if (b.ok) setBackends(b.value);
    });
    return () => {
      current = false;
    };
  }, [connection, connected]);


  return (
    <div className="settings-page" data-testid="settings-page">
      <h1>Settings</h1>

      <section className="settings-section">
        <h2>Orchestrator</h2>
        <dl className="settings-facts">
          <dt>Data directory</dt>
          <dd className="mono" data-testid="settings-data-dir">
            {info?.dataDir ?? '…'}
          </dd>
          <dt>Mode</dt>
          <dd>{info?.mode ?? '…'}</dd>
          <dt>Version</dt>
          <dd>{info?.version ?? '…'}</dd>
        </dl>
      </section>

      <section className="settings-section">
        <h2>New sessions</h2>
        <div className="field-grid">
          <div className="field">
            <label htmlFor="settings-agent">Default agent</label>
            <select
              id="settings-agent"
              className="input"
              data-testid="settings-default-agent"
              value={settings?.defaultAgent ?? ''}
              disabled={!settings || agents.length === 0}
              onChange={(e) => void update({ defaultAgent: e.target.value as SettingsDto['defaultAgent'] })}
            >
              {agents.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                  {a.available ? '' : ' (unavailable)'}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="settings-backend">Default backend</label>
            <select
              id="settings-backend"
              className="input"
              data-testid="settings-default-backend"
              value={settings?.defaultBackend ?? ''}
              disabled={!settings || backends.length === 0}
              onChange={(e) => void update({ defaultBackend: e.target.value as SettingsDto['defaultBackend'] })}
            >
              {backends.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name}
                  {b.available ? '' : ' (unavailable)'}
                </option>
              ))}
            </select>
          </div>
        </div>
        <SaveStatus state={save} testId="settings-save-status" />
      </section>

      <QuitPolicySection />
      <DockerSettingsSection />
      <CachesSection />
      <CredentialsSection />
      <ProvidersSection />
      <EgressSection />
      <RulesSection />

      <section className="settings-section">
        <h2>This device</h2>
        <div className="field">
          <label htmlFor="settings-renderer">Terminal rendering</label>
          <select
            id="settings-renderer"
            className="input"
            data-testid="settings-renderer"
            value={renderer}
            onChange={(e) => setRenderer(e.target.value as TerminalRendererPref)}
          >
            <option value="webgl">GPU (WebGL), falling back to DOM</option>
            <option value="dom">DOM only</option>
          </select>
          <p className="field-hint">Use DOM rendering if terminals draw incorrectly on this machine.</p>
        </div>
      </section>
    </div>
  );
}
