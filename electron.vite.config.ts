/**
 * Build of the three Electron targets.
 *
 * main: the Electron main entry, the orchestrator entry (utilityProcess on the desktop, plain Node
 * headless) and the CLI; runtime dependencies stay external so native modules load from node_modules.
 * preload: CommonJS, because sandboxed preloads cannot be ES modules.
 * renderer: the React app, also served by `berth serve`.
 */
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { readFileSync } from 'node:fs';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { buildCsp, withCspMeta } from './src-shared/csp.js';

const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, 'package.json'), 'utf8')) as { version: string };

/**
 * Runtime dependencies bundled into out/main instead of loaded from node_modules (one file to parse:
 * orchestrator start-up time). `ws` needs WS_NO_BUFFER_UTIL / WS_NO_UTF_8_VALIDATE defined below:
 * bundling turns its optional `require('bufferutil')` into an empty object, which ws would take for
 * the native helper, and the first masked frame would crash the server.
 */
const BUNDLED_DEPS = ['zod', 'env-paths', 'commander', 'ws'];

/**
 * Builds write the one policy of src-shared/csp.ts into index.html as a `<meta http-equiv>` tag. Not in
 * `electron-vite dev`, whose inline Fast Refresh preamble script-src 'self' would block; there the
 * shell's header (with the dev relaxations) applies.
 */
function cspMeta(): Plugin {
  return {
    name: 'berth-csp-meta',
    apply: 'build',
    transformIndexHtml: { order: 'pre', handler: (html) => withCspMeta(html, buildCsp({ delivery: 'meta' })) },
  };
}

export default defineConfig({
  main: {
    define: {
      __BERTH_VERSION__: JSON.stringify(pkg.version),
      // ws: use its pure-JS masking and UTF-8 validation (see BUNDLED_DEPS).
      'process.env.WS_NO_BUFFER_UTIL': JSON.stringify('1'),
      'process.env.WS_NO_UTF_8_VALIDATE': JSON.stringify('1'),
    },
    build: {
      outDir: 'out/main',
      // Pure-JS dependencies are bundled (tree-shaken, one file to load: orchestrator start-up time);
      // native modules and Electron-only ones stay external.
      externalizeDeps: { exclude: BUNDLED_DEPS },
      // Minified: V8 parses a third of the bytes at start-up (orchestrator.start 220 → 160 ms here).
      minify: true,
      sourcemap: true,
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src-main/index.ts'),
          orchestrator: resolve(import.meta.dirname, 'src-main/orchestrator/entry.ts'),
          cli: resolve(import.meta.dirname, 'src-main/cli/main.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: true,
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'src-preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    plugins: [react(), cspMeta()],
    build: {
      minify: true,
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      rollupOptions: { input: resolve(import.meta.dirname, 'src-renderer/index.html') },
    },
  },
});
