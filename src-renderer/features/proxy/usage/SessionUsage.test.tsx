import { cleanup, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { MethodParams } from '../../../../src-shared/contract.js';
import { renderWithServer } from '../../../testing/test-render.js';
import { FakeServer, makeSession } from '../../../testing/fake-server.js';
import { SessionResources } from '../../sessions/SessionResources.js';
import { USAGE_ROWS } from '../../../testing/audit-fixture.js';

describe('session usage line', () => {
  afterEach(cleanup);

  it("shows the session's tokens and cost summed over its models, asked for that session only", async () => {
    const asked: Array<MethodParams<'usage.list'>> = [];
    const fake = new FakeServer().on('usage.list', (p) => {
      asked.push(p);
      return USAGE_ROWS.filter((r) => r.sessionId === p.sessionId);
    });
    const { connection } = await renderWithServer(<SessionResources session={makeSession({ id: 's1', stats: null, docker: null })} />, fake, {
      connectionStatus: 'connected',
    });
    await waitFor(() => expect(screen.getByTestId('session-usage').textContent).toBe('13,000 in · 4,400 out · $1.24 (7 requests)'));
    expect(asked[0]).toEqual({ sessionId: 's1' });
    expect(screen.getByTestId('session-usage').parentElement?.getAttribute('title')).toBe('models: claude-haiku-4-5, claude-sonnet-4-5');
    connection.dispose();
  });

  it('shows nothing for a session without LLM requests', async () => {
    const fake = new FakeServer().on('usage.list', () => []);
    const { connection } = await renderWithServer(<SessionResources session={makeSession({ id: 's3', stats: null, docker: null })} />, fake, {
      connectionStatus: 'connected',
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByTestId('session-resources')).toBeNull();
    connection.dispose();
  });
});
