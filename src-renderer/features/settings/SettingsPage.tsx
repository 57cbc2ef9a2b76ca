/**
 * Settings: where Berth keeps its data, default agent and backend, what a quit does with running
 * sessions, Docker and its caches, credentials (saved on the orchestrator), and this device's terminal
 * renderer.
 */
import { useEffect, useState } from 'react';
import type { AgentProfileDto, BackendDto, SettingsDto } from '../../../src-shared/dto.js';
import { useAppState, useServices } from '../../app/services.js';
import { Field } from '../../components/Field.js';
import { Select, type SelectOption } from '../../components/Select.js';
import type { TerminalRendererPref } from '../../store/ui-slice.js';
import { CredentialsSection } from '../credentials/CredentialsSection.js';
import { EgressSection } from '../proxy/egress/EgressSection.js';
import { ProvidersSection } from '../proxy/providers/ProvidersSection.js';
import { RulesSection } from '../proxy/rules/RulesSection.js';
import { CachesSection } from './CachesSection.js';
import { DockerSettingsSection } from './DockerSettingsSection.js';
import { QuitPolicySection } from './QuitPolicySection.js';
import { RepositoriesSection } from './RepositoriesSection.js';
import { SaveStatus } from './SaveStatus.js';
import { useSettingsSave } from './use-settings-save.js';

/** The terminal renderers this device can use. */
const RENDERER_OPTIONS: readonly SelectOption<TerminalRendererPref>[] = [
  { value: 'webgl', label: 'GPU (WebGL), falling back to DOM' },
  { value: 'dom', label: 'DOM only' },
];

/** An agent's or backend's name, saying so when it can't be used here. */
function withAvailability(item: { name: string; available: boolean }): string {
  return `${item.name}${item.available ? '' : ' (unavailable)'}`;
}

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
          <Field id="settings-agent" label="Default agent">
            {(control) => (
              <Select
                control={control}
                testId="settings-default-agent"
                value={settings?.defaultAgent ?? ''}
                disabled={!settings || agents.length === 0}
                options={agents.map((a) => ({ value: a.id, label: withAvailability(a) }))}
                onChange={(id) => void update({ defaultAgent: id as SettingsDto['defaultAgent'] })}
              />
            )}
          </Field>
          <Field id="settings-backend" label="Default backend">
            {(control) => (
              <Select
                control={control}
                testId="settings-default-backend"
                value={settings?.defaultBackend ?? ''}
                disabled={!settings || backends.length === 0}
                options={backends.map((b) => ({ value: b.id, label: withAvailability(b) }))}
                onChange={(id) => void update({ defaultBackend: id as SettingsDto['defaultBackend'] })}
              />
            )}
          </Field>
        </div>
        <SaveStatus state={save} testId="settings-save-status" />
      </section>

      <RepositoriesSection agents={agents} backends={backends} />
      <QuitPolicySection />
      <DockerSettingsSection />
      <CachesSection />
      <CredentialsSection />
      <ProvidersSection />
      <EgressSection />
      <RulesSection />

      <section className="settings-section">
        <h2>This device</h2>
        <Field id="settings-renderer" label="Terminal rendering" hint="Use DOM rendering if terminals draw incorrectly on this machine.">
          {(control) => <Select control={control} testId="settings-renderer" value={renderer} options={RENDERER_OPTIONS} onChange={setRenderer} />}
        </Field>
      </section>
    </div>
  );
}
