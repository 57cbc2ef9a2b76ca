import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../store/database.js';
import { assertNoLeaks, tempDir, waitFor } from '../testing/fixtures.js';
import { AuditWriter } from './audit.js';
import type { AuditRecord } from './credential-proxy.js';

const opened: { db: Db; writer: AuditWriter }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) {
    o.writer.dispose();
    o.db.close();
  }
  await assertNoLeaks();
});

async function setup(options?: ConstructorParameters<typeof AuditWriter>[1]): Promise<{ db: Db; writer: AuditWriter; file: string }> {
  const file = path.join(tempDir(), 'berth.db');
  const db = await openDatabase(file);
  const writer = new AuditWriter(db, options);
  opened.push({ db, writer });
  return { db, writer, file };
}

function row(over: Partial<AuditRecord> = {}): AuditRecord {
  return {
    at: Date.now(),
    sessionId: 's1',
    provider: 'anthropic',
    host: 'api.anthropic.com',
    method: 'POST',
    path: '/v1/messages',
    status: 200,
    bytesUp: 100,
    bytesDown: 2_000,
    latencyMs: 12.5,
    injected: true,
    decision: 'allow',
    model: 'claude-sonnet-4-5-20250929',
    tokensIn: 25,
    tokensOut: 15,
    costUsd: 0.0003,
    ...over,
  };
}

const count = (file: string, table: string) => {
  // A second connection: sees only committed transactions.
  const other = new Database(file, { readonly: true });
  try {
    return (other.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    other.close();
  }
};

describe('AuditWriter', () => {
  it('queues rows and writes them on its timer; lists newest first, by session, paged', async () => {
    const { writer, file } = await setup();
    for (let i = 0; i < 5; i++) writer.record(row({ sessionId: i % 2 === 0 ? 's1' : 's2', path: `/v1/p${i}` }));
    expect(count(file, 'audit')).toBe(0);
    await waitFor(() => count(file, 'audit') === 5, 'timer flush');
    const all = writer.list({ limit: 10 });
    expect(all.map((r) => r.path)).toEqual(['/v1/p4', '/v1/p3', '/v1/p2', '/v1/p1', '/v1/p0']);
    expect(all[0]).toMatchObject({ sessionId: 's1', injected: true, decision: 'allow', status: 200, bytesUp: 100, bytesDown: 2000, tokensIn: 25, tokensOut: 15 });
    expect(writer.list({ sessionId: 's2', limit: 10 }).map((r) => r.path)).toEqual(['/v1/p3', '/v1/p1']);
    const page2 = writer.list({ limit: 2, beforeId: all[1]!.id });
    expect(page2.map((r) => r.path)).toEqual(['/v1/p2', '/v1/p1']);
  });

  it('writes a flush as one transaction: a bad row rolls the whole batch back, later batches still land', async () => {
    const { writer, file } = await setup();
    writer.record(row());
    writer.record(row({ host: null as unknown as string }));
    writer.record(row());
    const r = writer.flush();
    expect(r.ok).toBe(false);
    expect(writer.lastError).toMatch(/3 rows dropped/);
    expect(count(file, 'audit')).toBe(0);
    expect(count(file, 'token_usage')).toBe(0);
    writer.record(row());
    expect(writer.flush()).toEqual({ ok: true, value: 1 });
    expect(count(file, 'audit')).toBe(1);
  });

  it('flushes early at the size threshold', async () => {
    const { writer, file } = await setup();
    for (let i = 0; i < 500; i++) writer.record(row());
    expect(count(file, 'audit')).toBe(500);
  });

  it('sums token usage per session, provider and model across flushes; audit off still counts usage', async () => {
    const { writer } = await setup();
    writer.record(row());
    writer.record(row({ tokensIn: 5, tokensOut: 1, costUsd: 0.0001 }));
    writer.flush();
    writer.record(row({ model: 'gpt-4o-mini', provider: 'openai' }));
    writer.setEnabled(false);
    writer.record(row());
    writer.record(row({ tokensIn: null, tokensOut: null, model: null, costUsd: null }));
    const usage = writer.usage({ sessionId: 's1' });
    expect(usage).toHaveLength(2);
    const claude = usage.find((u) => u.provider === 'anthropic')!;
    expect(claude).toMatchObject({ model: 'claude-sonnet-4-5-20250929', requests: 3, tokensIn: 55, tokensOut: 31 });
    expect(claude.costUsd).toBeCloseTo(0.0007, 10);
    expect(writer.list({ limit: 100 })).toHaveLength(3);
    expect(writer.usage({ sessionId: 'nobody' })).toEqual([]);
  });

  it('open() writes through its own connection with synchronous=NORMAL, beside the store’s, and closes it', async () => {
    const { db, file } = await setup();
    const own = AuditWriter.open(file);
    expect(own.ok).toBe(true);
    if (!own.ok) return;
    const ownDb = (own.value as unknown as { db: Db }).db;
    expect(ownDb).not.toBe(db);
    expect(ownDb.pragma('synchronous', { simple: true })).toBe(1);
    own.value.record(row({ path: '/own' }));
    expect(own.value.flush()).toEqual({ ok: true, value: 1 });
    expect((db.prepare('SELECT path FROM audit').get() as { path: string }).path).toBe('/own');
    own.value.dispose();
    expect(ownDb.open).toBe(false);
    const missing = AuditWriter.open(path.join(tempDir(), 'none.db'));
    expect(missing.ok).toBe(false);
    const bare = path.join(tempDir(), 'bare.db');
    new Database(bare).close();
    const unmigrated = AuditWriter.open(bare);
    expect(unmigrated.ok).toBe(false);
    if (!unmigrated.ok) expect(unmigrated.error.message).toMatch(/audit tables are missing/);
  });

  it('prunes by age and by row count', async () => {
    const now = 10 * 86_400_000;
    const { writer } = await setup({ now: () => now });
    writer.record(row({ at: now - 3 * 86_400_000, path: '/old' }));
    for (let i = 0; i < 150; i++) writer.record(row({ at: now, path: `/new${i}` }));
    writer.setRetention({ days: 2, rows: null });
    expect(writer.list({ limit: 1000 }).some((r) => r.path === '/old')).toBe(false);
    writer.setRetention({ days: null, rows: 100 });
    const left = writer.list({ limit: 1000 });
    expect(left).toHaveLength(100);
    expect(left[0]!.path).toBe('/new149');
  });
});
