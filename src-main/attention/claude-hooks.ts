/**
 * Claude Code's hooks, read: the JSON a hook gets on stdin (`hook_event_name`, `message`, `tool_name`,
 * …; https://docs.anthropic.com/en/docs/claude-code/hooks) parsed at the boundary, and what each event
 * says about the agent. Pure: the endpoint (hook-endpoint.ts) parses, maps, then reports.
 */
import { z } from 'zod';
import type { AgentReport } from '../sessions/attention.js';

/** Longest detail kept (a question or a tool name); hooks may send long messages. */
const MAX_DETAIL_CHARS = 500;

/**
 * A Claude Code hook payload: the event name is required; the fields Berth reads are optional strings;
 * everything else (session_id, transcript_path, tool_input …) passes through unread.
 */
export const ClaudeHookPayload = z.looseObject({
  hook_event_name: z.string().min(1).max(100),
  message: z.string().optional(),
  tool_name: z.string().optional(),
});
export type ClaudeHookPayload = z.infer<typeof ClaudeHookPayload>;

/** The events Berth installs (profiles.ts CLAUDE_HOOK_EVENTS uses the same names). */
export const CLAUDE_HOOK_EVENTS = ['Notification', 'Stop', 'UserPromptSubmit', 'PreToolUse', 'SessionStart', 'SessionEnd'] as const;

const clip = (s: string) => (s.length > MAX_DETAIL_CHARS ? `${s.slice(0, MAX_DETAIL_CHARS - 1)}…` : s);

/**
 * The state a hook event means, with the question or approval text where the hook gives one; null for
 * events that say nothing about the agent's state (SessionEnd: the process ending says it; unknown ones).
 * A Notification asking for permission ("Claude needs your permission to use Bash") is waiting-approval;
 * any other Notification (the input-idle reminder, a question) is waiting-input; Stop (the turn ended) is
 * waiting-input without a detail.
 */
export function claudeHookReport(payload: ClaudeHookPayload): AgentReport | null {
  switch (payload.hook_event_name) {
    case 'SessionStart':
      return { state: 'idle', detail: null };
    case 'UserPromptSubmit':
    case 'PreToolUse':
    case 'PostToolUse':
      return { state: 'working', detail: null };
    case 'Notification': {
      const message = payload.message?.trim() ? clip(payload.message.trim()) : null;
      return { state: message !== null && /permission/i.test(message) ? 'waiting-approval' : 'waiting-input', detail: message };
    }
    case 'Stop':
      return { state: 'waiting-input', detail: null };
    default:
      return null;
  }
}
