/**
 * The default GPU renderer: panes draw with WebGL (SwiftShader here) and stay live.
 */
import { expect, requireChromium, test } from '../fixtures/test.js';

requireChromium();

test.use({ terminalRenderer: 'webgl' });

test('a pane renders with WebGL and round-trips input', async ({ app, berth }) => {
  const created = await berth.call('sessions.create', {
    repoPath: berth.repoDir,
    agent: 'shell',
    backend: 'local',
    prompt: 'echo gpu-ready',
    name: 'gpu',
  });
  if (!created.ok) throw new Error(created.error.message);
  const pane = await app.open('gpu');
  await expect(pane.terminal).toHaveAttribute('data-status', 'live');
  // The WebGL renderer draws into a canvas instead of DOM rows.
  await expect(pane.terminal.locator('.xterm-screen canvas').first()).toBeAttached();

  const screenLines = async () => {
    const text = await berth.call('terminal.text', { ref: 'gpu' });
    return text.ok ? text.value.text.split('\n').map((l) => l.trim()) : [];
  };
  // Let the session's own command run first, so typing does not interleave with it.
  await expect.poll(screenLines).toContain('gpu-ready');
  await pane.run('echo typed-through-webgl');
  await expect.poll(screenLines).toContain('typed-through-webgl');
});
