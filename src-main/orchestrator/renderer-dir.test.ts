import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../testing/fixtures.js';
import { findRendererDir } from './renderer-dir.js';

describe('findRendererDir', () => {
  it('finds out/renderer from the bundle entry, from a bundler chunk, and from source', () => {
    const root = tempDir();
    const renderer = path.join(root, 'out', 'renderer');
    for (const dir of ['out/main/chunks', 'src-main/orchestrator']) fs.mkdirSync(path.join(root, dir), { recursive: true });
    fs.mkdirSync(renderer, { recursive: true });
    fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html>');
    expect(findRendererDir(path.join(root, 'out', 'main'))).toBe(renderer);
    expect(findRendererDir(path.join(root, 'out', 'main', 'chunks'))).toBe(renderer);
    expect(findRendererDir(path.join(root, 'src-main', 'orchestrator'))).toBe(renderer);
  });

  it('is undefined when the renderer was not built', () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, 'out', 'main', 'chunks'), { recursive: true });
    fs.mkdirSync(path.join(root, 'out', 'renderer'));
    expect(findRendererDir(path.join(root, 'out', 'main', 'chunks'))).toBeUndefined();
  });
});
