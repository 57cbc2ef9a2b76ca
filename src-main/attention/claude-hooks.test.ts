import { describe, expect, it } from 'vitest';
import { ClaudeHookPayload, claudeHookReport } from './claude-hooks.js';

const report = (p: unknown) => claudeHookReport(ClaudeHookPayload.parse(p));

describe('claudeHookReport', () => {
  it('maps each Claude Code hook event to the state it means', () => {
    expect(report({ hook_event_name: 'SessionStart', source: 'startup' })).toEqual({ state: 'idle', detail: null });
    expect(report({ hook_event_name: 'UserPromptSubmit', prompt: 'fix it' })).toEqual({ state: 'working', detail: null });
    expect(report({ hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'ls' } })).toEqual({ state: 'working', detail: null });
    expect(report({ hook_event_name: 'PostToolUse', tool_name: 'Bash' })).toEqual({ state: 'working', detail: null });
    expect(report({ hook_event_name: 'Stop', stop_hook_active: false })).toEqual({ state: 'waiting-input', detail: null });
    expect(report({ hook_event_name: 'SessionEnd', reason: 'exit' })).toBeNull();
    expect(report({ hook_event_name: 'SomethingNew' })).toBeNull();
  });

  it('tells a permission prompt from a question by the notification message, keeping the message', () => {
    expect(report({ hook_event_name: 'Notification', message: 'Claude needs your permission to use Bash' })).toEqual({ state: 'waiting-approval', detail: 'Claude needs your permission to use Bash' });
    expect(report({ hook_event_name: 'Notification', message: 'Claude is waiting for your input' })).toEqual({ state: 'waiting-input', detail: 'Claude is waiting for your input' });
    expect(report({ hook_event_name: 'Notification' })).toEqual({ state: 'waiting-input', detail: null });
  });

  it('clips a long message and refuses a payload without an event name', () => {
    const r = report({ hook_event_name: 'Notification', message: 'x'.repeat(2000) });
    expect(r?.detail?.length).toBe(500);
    expect(ClaudeHookPayload.safeParse({ message: 'hi' }).success).toBe(false);
    expect(ClaudeHookPayload.safeParse({ hook_event_name: 'Stop', message: 42 }).success).toBe(false);
  });
});
