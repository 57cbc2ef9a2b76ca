/**
 * Node-side client of a running orchestrator: reads the API file, calls the HTTP API, opens the
 * WebSocket with the token. Used by the CLI and by tests.
 */
import fs from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { API_FILE, API_PREFIX, ServerFrame, WS_PATH, type MethodName, type MethodParams, type MethodResult } from '../../src-shared/contract.js';
import { ProtocolClient, type FrameTransport } from '../../src-shared/client.js';
import { Emitter } from '../../src-shared/lifecycle.js';
import { err, ok, type Result } from '../../src-shared/result.js';
import { z } from 'zod';

/** What `api.json` in the data dir holds. */
export const ApiFile = z.object({ url: z.string(), port: z.number().int(), token: z.string(), pid: z.number().int() });
export type ApiFile = z.infer<typeof ApiFile>;

export interface Endpoint {
  url: string;
  token: string;
}

/** Reads the running orchestrator's endpoint from the data dir. */
export function readApiFile(dataDir: string): Result<ApiFile> {
  const file = path.join(dataDir, API_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return err('unauthorized', `no Berth orchestrator is running for ${dataDir} (no ${API_FILE}); start one with \`berth serve\``);
  }
  try {
    const parsed = ApiFile.safeParse(JSON.parse(text));
    if (parsed.success) return ok(parsed.data);
  } catch {
    // fall through
  }
  return err('internal', `${file} is unreadable; restart \`berth serve\``);
}

/** How long an HTTP call may take before it is abandoned. */
const HTTP_TIMEOUT_MS = 30_000;

/** One request over HTTP: `POST /api/<method>`. */
export async function callHttp<M extends MethodName>(
  endpoint: Endpoint,
  method: M,
  params: MethodParams<M>,
): Promise<Result<MethodResult<M>>> {
  let response: Response;
  try {
    response = await fetch(new URL(`${API_PREFIX}${method}`, endpoint.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${endpoint.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(params ?? {}),
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
  } catch (e) {
    return err('internal', `cannot reach the orchestrator at ${endpoint.url}: ${(e as Error).message}`);
  }
  try {
    return (await response.json()) as Result<MethodResult<M>>;
  } catch {
    return err('internal', `the orchestrator answered ${response.status} without a readable body`);
  }
}

/** Opens a WebSocket to the orchestrator and wraps it in a ProtocolClient. */
export function connectWebSocket(endpoint: Endpoint): Promise<Result<ProtocolClient>> {
  const wsUrl = new URL(WS_PATH, endpoint.url);
  wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${endpoint.token}` } });
  return new Promise((resolve) => {
    socket.once('open', () => resolve(ok(new ProtocolClient(wsTransport(socket)))));
    socket.once('unexpected-response', (_req, res) => {
      resolve(err('unauthorized', `the orchestrator refused the connection (HTTP ${res.statusCode})`));
      socket.terminate();
    });
    socket.once('error', (e) => resolve(err('internal', `cannot connect to ${wsUrl.href}: ${e.message}`)));
  });
}

function wsTransport(socket: WebSocket): FrameTransport {
  const onFrame = new Emitter<ServerFrame>();
  const onClose = new Emitter<void>();
  socket.on('message', (data) => {
    try {
      onFrame.fire(JSON.parse(data.toString()) as ServerFrame);
    } catch {
      // A malformed frame from the server is dropped.
    }
  });
  socket.on('close', () => onClose.fire());
  return {
    send: (frame) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
    },
    onFrame: onFrame.event,
    onClose: onClose.event,
    close: () => socket.close(),
  };
}
