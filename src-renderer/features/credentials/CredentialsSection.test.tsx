import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { maskValue, type CredentialDto, type CredentialSetRequest, type VaultLockDto, type VaultStatusDto } from '../../../src-shared/credentials.js';
import { err } from '../../../src-shared/result.js';
import { renderWithServer } from '../../testing/test-render.js';
import { FakeServer } from '../../testing/fake-server.js';
import { CredentialsSection } from './CredentialsSection.js';

const WARNING = 'The credential vault key is stored in /home/u/.berth/vault.key, protected only by its file permissions (0600).';
const CANARY = 'sk-canary-7f3a9c21d4e8b6';

/** An in-memory vault behind a fake orchestrator; `fail` makes the next set answer with that error. */
function vaultServer(initial: CredentialDto[] = []) {
  const stored = new Map(initial.map((c) => [c.name, c]));
  const sets: CredentialSetRequest[] = [];
  const deletes: string[] = [];
  const control = { fail: null as string | null, warning: WARNING as string | null, locked: null as VaultLockDto | null, unlocks: 0, resets: 0 };
  const vault = (): VaultStatusDto => ({
    file: '/home/u/.berth/vault.json',
    locked: control.locked,
    protectors: [
      { kind: 'safe-storage', description: 'the desktop keychain (Electron safeStorage)', wraps: true, available: false, problem: 'only the Berth desktop app can use it' },
      { kind: 'key-file', description: 'the key file /home/u/.berth/vault.key', wraps: true, available: true, problem: control.locked ? 'it does not unwrap the vault key' : null },
    ],
  });
  const fake = new FakeServer()
    .on('credentials.list', () => ({
      credentials: [...stored.values()].sort((a, b) => a.name.localeCompare(b.name)),
      protection: 'the key file /home/u/.berth/vault.key',
      warning: control.warning,
      vault: vault(),
    }))
    .on('credentials.unlock', () => {
      control.unlocks++;
      return vault();
    })
    .on('credentials.reset', () => {
      control.resets++;
      control.locked = null;
      stored.clear();
      return { backup: '/home/u/.berth/vault.json.locked-2026.bak', vault: vault() };
    })
    .on('credentials.set', (request) => {
      sets.push(request as CredentialSetRequest);
      if (control.fail) return err('bad_request', control.fail);
      const dto: CredentialDto = {
        name: request.name,
        kind: request.kind,
        source: request.source,
        masked: request.value === undefined ? null : maskValue(request.value),
        createdAt: 1,
        updatedAt: 2,
        lastUsedAt: null,
        lastError: null,
      };
      stored.set(dto.name, dto);
      return dto;
    })
    .on('credentials.delete', ({ name }) => {
      deletes.push(name);
      if (!stored.delete(name)) return err('not_found', `no credential named "${name}"`);
      return { name };
    });
  return { fake, sets, deletes, control };
}

function credential(patch: Partial<CredentialDto> & Pick<CredentialDto, 'name'>): CredentialDto {
  return { kind: 'github', source: { type: 'value' }, masked: '••••', createdAt: 1, updatedAt: 1, lastUsedAt: null, lastError: null, ...patch };
}

const valueInput = () => screen.getByTestId('credential-value') as HTMLInputElement;
const rows = () => screen.queryAllByTestId('credential-row');

describe('Settings → Credentials', () => {
  afterEach(cleanup);

  it('lists credentials masked, with the vault protection and its warning shown prominently', async () => {
    const { fake } = vaultServer([
      credential({ name: 'anthropic', kind: 'anthropic-api-key', masked: '••••wxyz', lastUsedAt: Date.now() - 120_000 }),
      credential({ name: 'gh', source: { type: 'env', variable: 'GITHUB_TOKEN' }, masked: null, lastError: 'GITHUB_TOKEN is not set' }),
      credential({ name: 'op', kind: 'openai', source: { type: 'command', command: 'op read op://v/openai/key' }, masked: '••••9876' }),
    ]);
    const { connection } = await renderWithServer(<CredentialsSection />, fake, { connectionStatus: 'connected' });
    await waitFor(() => expect(rows()).toHaveLength(3));
    const warning = screen.getByTestId('credentials-warning');
    expect(warning.getAttribute('role')).toBe('alert');
    expect(warning.textContent).toContain(WARNING);
    expect(screen.getByTestId('credentials-protection').textContent).toBe('Vault key: the key file /home/u/.berth/vault.key');

    const [anthropic, gh, op] = rows() as [HTMLElement, HTMLElement, HTMLElement];
    expect(within(anthropic).getByTestId('credential-row-masked').textContent).toBe('••••wxyz');
    expect(within(anthropic).getByText('Anthropic API key')).toBeTruthy();
    expect(within(anthropic).getByText('2 min ago')).toBeTruthy();
    expect(within(anthropic).getByTestId('credential-row-source').textContent).toBe('typed');
    expect(within(gh).getByTestId('credential-row-source').textContent).toBe('env GITHUB_TOKEN');
    expect(within(gh).getByTestId('credential-row-masked').textContent).toBe('not read yet');
    expect(within(gh).getByTestId('credential-row-error').textContent).toBe('GITHUB_TOKEN is not set');
    expect(within(op).getByTestId('credential-row-source').textContent).toBe('command op read op://v/openai/key');
    connection.dispose();
  });

  it('has no warning line when the vault key is well protected, and says when nothing is stored', async () => {
    const { fake, control } = vaultServer();
    control.warning = null;
    const { connection } = await renderWithServer(<CredentialsSection />, fake, { connectionStatus: 'connected' });
    await waitFor(() => expect(screen.getByTestId('credentials-empty')).toBeTruthy());
    expect(screen.queryByTestId('credentials-warning')).toBeNull();
    connection.dispose();
  });

  it('sends a typed value once, clears the input, and never renders or stores it', async () => {
    const { fake, sets } = vaultServer();
    const { connection, store, container } = await renderWithServer(<CredentialsSection />, fake, { connectionStatus: 'connected' });
    await waitFor(() => expect(screen.getByTestId('credentials-empty')).toBeTruthy());

    fireEvent.change(screen.getByTestId('credential-name'), { target: { value: 'anthropic' } });
    fireEvent.input(valueInput(), { target: { value: CANARY } });
    // Typed but not saved: the value sits in the input's live property only, never in markup.
    expect(valueInput().type).toBe('password');
    expect(valueInput().getAttribute('value')).toBeNull();
    expect(container.innerHTML).not.toContain(CANARY);

    await act(async () => fireEvent.click(screen.getByTestId('credential-save')));
    await waitFor(() => expect(screen.getByTestId('credential-form-status').textContent).toBe('Saved anthropic.'));
    expect(sets).toEqual([{ name: 'anthropic', kind: 'anthropic-api-key', source: { type: 'value' }, value: CANARY }]);
    expect(valueInput().value).toBe('');
    expect((screen.getByTestId('credential-name') as HTMLInputElement).value).toBe('');
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(screen.getByTestId('credential-row-masked').textContent).toBe(`••••${CANARY.slice(-4)}`);
    expect(document.documentElement.outerHTML).not.toContain(CANARY);
    expect(JSON.stringify(store.getState())).not.toContain(CANARY);
    connection.dispose();
  });

  it('clears the value on Cancel too', async () => {
    const { fake, sets } = vaultServer();
    const { connection } = await renderWithServer(<CredentialsSection />, fake, { connectionStatus: 'connected' });
    fireEvent.change(screen.getByTestId('credential-name'), { target: { value: 'anthropic' } });
    fireEvent.input(valueInput(), { target: { value: CANARY } });
    fireEvent.click(screen.getByTestId('credential-cancel'));
    expect(valueInput().value).toBe('');
    expect((screen.getByTestId('credential-name') as HTMLInputElement).value).toBe('');
    expect(sets).toEqual([]);
    connection.dispose();
  });

  it('checks the form before sending and shows the messages under the fields', async () => {
    const { fake, sets } = vaultServer();
    const { connection } = await renderWithServer(<CredentialsSection />, fake, { connectionStatus: 'connected' });
    await waitFor(() => expect(screen.getByTestId('credentials-empty')).toBeTruthy());

    fireEvent.change(screen.getByTestId('credential-name'), { target: { value: 'My Key' } });
    await act(async () => fireEvent.click(screen.getByTestId('credential-save')));
    expect(screen.getByTestId('credential-problem-name').textContent).toMatch(/^use lowercase letters/);
    expect(screen.getByTestId('credential-problem-value').textContent).toBe('enter the value');
    expect(screen.getByTestId('credential-name').getAttribute('aria-invalid')).toBe('true');

    // Problems follow the input once shown.
    fireEvent.change(screen.getByTestId('credential-name'), { target: { value: 'my-key' } });
    expect(screen.queryByTestId('credential-problem-name')).toBeNull();
    fireEvent.input(valueInput(), { target: { value: 'v' } });
    expect(screen.queryByTestId('credential-problem-value')).toBeNull();

    fireEvent.click(screen.getByTestId('credential-source-env'));
    expect(screen.queryByTestId('credential-value')).toBeNull();
    fireEvent.change(screen.getByTestId('credential-variable'), { target: { value: '9LIVES' } });
    expect(screen.getByTestId('credential-problem-variable').textContent).toBe('use letters, digits and underscores, not starting with a digit');
    // Nothing invalid ever reached the server.
    expect(sets).toEqual([]);
    expect(fake.sent.filter((f) => f.type === 'req' && f.method === 'credentials.set')).toEqual([]);
    connection.dispose();
  });

  it('shows the server error inline, and the typed value is gone even then', async () => {
    const { fake, sets, control } = vaultServer();
    control.fail = 'the credential vault is locked';
    const { connection, container } = await renderWithServer(<CredentialsSection />, fake, { connectionStatus: 'connected' });
    fireEvent.change(screen.getByTestId('credential-name'), { target: { value: 'anthropic' } });
    fireEvent.input(valueInput(), { target: { value: CANARY } });
    await act(async () => fireEvent.click(screen.getByTestId('credential-save')));
    await waitFor(() => expect(screen.getByTestId('credential-form-status').textContent).toBe('the credential vault is locked (type the value again)'));
    expect(screen.getByTestId('credential-form-status').getAttribute('role')).toBe('alert');
    expect(sets).toHaveLength(1);
    expect(valueInput().value).toBe('');
    expect((screen.getByTestId('credential-name') as HTMLInputElement).value).toBe('anthropic');
    expect(container.innerHTML).not.toContain(CANARY);
    connection.dispose();
  });

  it('shows a locked vault with the reason and the fix, no form, Try again, and a confirmed Reset that names the backup', async () => {
    const { fake, control } = vaultServer([credential({ name: 'anthropic', kind: 'anthropic-api-key' })]);
    control.locked = { reason: 'the key file /home/u/.berth/vault.key does not unwrap the vault key', fix: 'Restore /home/u/.berth/vault.key from a backup' };
    const { connection } = await renderWithServer(<CredentialsSection />, fake, { connectionStatus: 'connected' });
    await waitFor(() => expect(screen.getByTestId('credentials-locked')).toBeTruthy());
    expect(screen.getByTestId('credentials-locked').getAttribute('role')).toBe('alert');
    expect(screen.getByTestId('credentials-locked-reason').textContent).toBe('Why: the key file /home/u/.berth/vault.key does not unwrap the vault key');
    expect(screen.getByTestId('credentials-locked-fix').textContent).toBe('Fix: Restore /home/u/.berth/vault.key from a backup');
    // What the file names is listed, without actions; nothing can be added.
    expect(within(rows()[0] as HTMLElement).getByTestId('credential-row-locked')).toBeTruthy();
    expect(screen.queryByTestId('credential-replace')).toBeNull();
    expect(screen.queryByTestId('credential-save')).toBeNull();
    expect(screen.queryByTestId('credentials-protection')).toBeNull();
    const keyFileLine = screen.getAllByTestId('vault-protector').find((li) => li.dataset.kind === 'key-file')!;
    expect(keyFileLine.textContent).toContain('did not open here');

    await act(async () => fireEvent.click(screen.getByTestId('credentials-unlock')));
    expect(control.unlocks).toBe(1);

    fireEvent.click(screen.getByTestId('credentials-reset'));
    expect(control.resets).toBe(0);
    await act(async () => fireEvent.click(screen.getByTestId('credentials-reset-confirm-button')));
    expect(control.resets).toBe(1);
    await waitFor(() => expect(screen.queryByTestId('credentials-locked')).toBeNull());
    await waitFor(() => expect(screen.getByTestId('credentials-empty')).toBeTruthy());
    expect(screen.getByTestId('credential-save')).toBeTruthy();
    connection.dispose();
  });

  it('replaces a stored credential from its row and deletes one only after confirmation', async () => {
    const { fake, sets, deletes } = vaultServer([
      credential({ name: 'gh', source: { type: 'env', variable: 'GITHUB_TOKEN' }, masked: null }),
      credential({ name: 'npm', kind: 'npm', masked: '••••' }),
    ]);
    const { connection } = await renderWithServer(<CredentialsSection />, fake, { connectionStatus: 'connected' });
    await waitFor(() => expect(rows()).toHaveLength(2));

    fireEvent.click(within(rows()[0] as HTMLElement).getByTestId('credential-replace'));
    expect((screen.getByTestId('credential-name') as HTMLInputElement).value).toBe('gh');
    expect((screen.getByTestId('credential-variable') as HTMLInputElement).value).toBe('GITHUB_TOKEN');
    expect(screen.getByTestId('credential-save').textContent).toBe('Replace');
    expect(screen.getByTestId('credential-replacing').textContent).toContain('gh');
    fireEvent.change(screen.getByTestId('credential-variable'), { target: { value: 'GH_TOKEN' } });
    await act(async () => fireEvent.click(screen.getByTestId('credential-save')));
    await waitFor(() => expect(sets).toEqual([{ name: 'gh', kind: 'github', source: { type: 'env', variable: 'GH_TOKEN' } }]));
    await waitFor(() => expect(within(rows()[0] as HTMLElement).getByTestId('credential-row-source').textContent).toBe('env GH_TOKEN'));

    const npmRow = () => screen.getAllByTestId('credential-row').find((r) => r.dataset.name === 'npm') as HTMLElement;
    fireEvent.click(within(npmRow()).getByTestId('credential-delete'));
    fireEvent.click(within(npmRow()).getByTestId('credential-delete-cancel'));
    expect(deletes).toEqual([]);
    fireEvent.click(within(npmRow()).getByTestId('credential-delete'));
    await act(async () => fireEvent.click(within(npmRow()).getByTestId('credential-delete-confirm-button')));
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(deletes).toEqual(['npm']);
    connection.dispose();
  });
});
