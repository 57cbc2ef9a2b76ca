import { describe, expect, it, vi } from 'vitest';
import { ProtocolClient } from '../../src-shared/client.js';
import type { SessionDto } from '../../src-shared/dto.js';
import { FakeServer, makeSession } from './fake-server.js';

async function clientOf(server: FakeServer): Promise<ProtocolClient> {
  return new ProtocolClient(await server.factory());
}

describe('FakeServer holds both sides to the contract', () => {
  it('answers params outside the schema with bad_request, like the orchestrator, without calling the handler', async () => {
    const handler = vi.fn(() => []);
    const server = new FakeServer().on('sessions.list', handler);
    const client = await clientOf(server);
    const r = await client.request('sessions.list', { archived: 'yes' } as unknown as { archived: boolean });
    expect(r.ok).toBe(false);
    expect(!r.ok && [r.error.code, r.error.message]).toEqual(['bad_request', expect.stringContaining('archived')]);
    expect(handler).not.toHaveBeenCalled();
  });

  it('gives the handler the params as parsed (defaults applied)', async () => {
    let seen: unknown;
    const server = new FakeServer().on('sessions.create', (p) => {
      seen = p;
      return makeSession();
    });
    const client = await clientOf(server);
    expect((await client.request('sessions.create', { repoPath: '/repo', agent: 'shell' })).ok).toBe(true);
    expect(seen).toEqual({ repoPath: '/repo', agent: 'shell', backend: 'local', prompt: '' });
  });

  it('refuses a handler answer outside the result schema, so a test cannot pass on impossible data', async () => {
    const server = new FakeServer().on('sessions.get', () => ({ ...makeSession(), state: 'sleeping' }) as unknown as SessionDto);
    const client = await clientOf(server);
    await expect(client.request('sessions.get', { ref: 's1' })).rejects.toThrow(/sessions\.get handler answered outside the contract: state/);
    server.on('sessions.get', () => ({ ok: false, error: { code: 'teapot', message: 'no' } }) as never);
    await expect(client.request('sessions.get', { ref: 's1' })).rejects.toThrow(/outside the contract: code/);
  });
});
