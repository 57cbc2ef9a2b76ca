import { describe, expect, it } from 'vitest';
import { AsyncDisposableStore } from './lifecycle.js';

describe('AsyncDisposableStore', () => {
  it('tears down in reverse order, awaiting each step, and goes on past a failing one', async () => {
    const done: string[] = [];
    const errors: string[] = [];
    const store = new AsyncDisposableStore('test', (step, e) => errors.push(`${step}: ${(e as Error).message}`));
    store.defer('lock', () => void done.push('lock'));
    store.defer('database', async () => {
      await new Promise((r) => setTimeout(r, 10));
      done.push('database');
    });
    store.defer('proxy', () => {
      throw new Error('proxy would not close');
    });
    store.add('server', { dispose: async () => void done.push('server') });
    await store.dispose();
    expect(done).toEqual(['server', 'database', 'lock']);
    expect(errors).toEqual(['proxy: proxy would not close']);
  });

  it('disposes once, and disposes at once what is added after', async () => {
    let count = 0;
    const store = new AsyncDisposableStore();
    store.defer('step', () => void count++);
    const first = store.dispose();
    expect(store.dispose()).toBe(first);
    await first;
    expect(store.isDisposed).toBe(true);
    let late = false;
    store.defer('late', () => void (late = true));
    await Promise.resolve();
    expect(late).toBe(true);
    expect(count).toBe(1);
  });
});
