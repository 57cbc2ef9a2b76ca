/**
 * Settings → On quit: what a graceful quit (closing the app, SIGTERM or Ctrl-C to `berth serve`) does
 * with running sessions. By default sessions whose backend survives a restart (Docker containers) keep
 * running and are picked up again at the next start; the rest are stopped.
 */
import type { QuitPolicy } from '../../../src-shared/dto.js';
import { useAppState } from '../../app/services.js';
import { Field } from '../../components/Field.js';
import { Select, type SelectOption } from '../../components/Select.js';
import { SaveStatus } from './SaveStatus.js';
import { useSettingsSave } from './use-settings-save.js';

/** The choices, in the order shown. */
const CHOICES: readonly SelectOption<QuitPolicy>[] = [
  { value: 'leave-running', label: 'Leave running the sessions that survive a restart (Docker)' },
  { value: 'stop-all', label: 'Stop every session' },
];

export function QuitPolicySection() {
  const settings = useAppState((s) => s.settings);
  const [save, update] = useSettingsSave();
  return (
    <section className="settings-section">
      <h2>On quit</h2>
      <Field
        id="settings-on-quit"
        label="When Berth quits"
        hint="Sessions left running are picked up again, with their terminals, the next time Berth starts. Local sessions can't outlive Berth and are always stopped."
      >
        {(control) => (
          <Select
            control={control}
            testId="settings-on-quit"
            value={settings?.onQuit ?? 'leave-running'}
            disabled={!settings}
            options={CHOICES}
            onChange={(onQuit) => void update({ onQuit })}
          />
        )}
      </Field>
      <SaveStatus state={save} testId="settings-on-quit-status" />
    </section>
  );
}
