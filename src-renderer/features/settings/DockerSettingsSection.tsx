/**
 * Settings → Docker: the engine's status and images (`docker.info`) over the Docker settings form,
 * saved with `settings.update({docker: <changed fields>})`.
 */
import type { DockerSettings } from '../../../src-shared/docker.js';
import { useAppState } from '../../app/services.js';
import { useDockerInfo } from '../docker/use-docker-info.js';
import { DockerEngineStatus } from './DockerEngineStatus.js';
import { DockerSettingsFields } from './DockerSettingsFields.js';
import { SaveStatus } from './SaveStatus.js';
import { useSettingsSave } from './use-settings-save.js';

/** Identifies the engine the settings point at; a change means docker.info must be asked again. */
export function engineKeyOf(settings: DockerSettings | undefined): string {
  return settings ? `${settings.endpoint ?? ''}|${settings.tlsCertPath ?? ''}` : '';
}

export function DockerSettingsSection() {
  const settings = useAppState((s) => s.settings);
  const docker = useDockerInfo(settings !== null, engineKeyOf(settings?.docker));
  const [save, update] = useSettingsSave();
  const onSave = (patch: Partial<DockerSettings>) => update({ docker: patch });

  return (
    <section className="settings-section" data-testid="settings-docker">
      <h2>Docker</h2>
      <DockerEngineStatus info={docker.info} loading={docker.loading} error={docker.error} onRefresh={() => void docker.refresh()} />
      {settings ? (
        <DockerSettingsFields
          key={JSON.stringify(settings.docker)}
          settings={settings.docker}
          runtimes={docker.info?.available ? docker.info.runtimes : null}
          saving={save.kind === 'saving'}
          onSave={(patch) => void onSave(patch)}
        />
      ) : (
        <p className="field-hint">Loading…</p>
      )}
      <SaveStatus state={save} testId="settings-docker-save-status" />
    </section>
  );
}
