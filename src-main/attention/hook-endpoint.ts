/**
 * The endpoint hook programs post to (`POST /_berth/hook` on the credential proxy's listener, which
 * local sessions reach on loopback and Docker sessions through the proxy's relay): the token header
 * names the session (401 without a live one, nothing changes), the body is size-capped (413) and parsed
 * (400), and the agent's state it means is reported. Answers 204 with no body.
 */
import type http from 'node:http';
import type { AgentReport } from '../sessions/attention.js';
import type { SessionTokens } from '../proxy/tokens.js';
import { ClaudeHookPayload, claudeHookReport } from './claude-hooks.js';
import { HOOK_TOKEN_HEADER } from './hook-tokens.js';

/** Largest hook body read (a PreToolUse payload carries the tool's input, e.g. a file being written). */
export const MAX_HOOK_BODY_BYTES = 256 * 1024;

export interface HookEndpoint {
  /** Handles one request to the hook route. */
  handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void>;
}

export interface HookEndpointDeps {
  tokens: SessionTokens;
  report(sessionId: string, report: AgentReport): void;
}

function reply(res: http.ServerResponse, status: number, message?: string): void {
  if (res.headersSent || res.destroyed) return;
  if (message === undefined) {
    res.writeHead(status).end();
    return;
  }
  const body = JSON.stringify({ error: message });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
}

/** Reads the body up to `max` bytes; null when it is larger (the rest is not read). */
function readCapped(req: http.IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.removeAllListeners('data');
        req.resume();
        resolve(null);
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The hook route's handler. */
export function createHookEndpoint(deps: HookEndpointDeps): HookEndpoint {
  return {
    async handle(req, res) {
      if (req.method !== 'POST') return reply(res, 405, 'hooks are posted (POST)');
      const presented = req.headers[HOOK_TOKEN_HEADER];
      const sessionId = typeof presented === 'string' ? deps.tokens.sessionOf(presented) : null;
      if (sessionId === null) {
        req.resume();
        return reply(res, 401, `missing, unknown or revoked ${HOOK_TOKEN_HEADER}`);
      }
      const body = await readCapped(req, MAX_HOOK_BODY_BYTES);
      if (body === null) return reply(res, 413, `hook body over ${MAX_HOOK_BODY_BYTES} bytes`);
      let json: unknown;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        return reply(res, 400, 'hook body is not JSON');
      }
      const payload = ClaudeHookPayload.safeParse(json);
      if (!payload.success) return reply(res, 400, `hook body is not a hook event: ${payload.error.issues[0]?.message ?? 'invalid'}`);
      const report = claudeHookReport(payload.data);
      if (report) deps.report(sessionId, report);
      reply(res, 204);
    },
  };
}
