// Lint: typescript-eslint's recommended rules plus the layering rules from DESIGN.md
// (folder says where code runs; raw ipcMain/ipcRenderer only in the one wrapper that checks senders).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'net', 'http', 'events', 'stream', 'util'];
/** Node's own globals, which the renderer (sandboxed, no Node) must not name. */
const nodeGlobals = ['process', 'Buffer', 'require', 'module', 'exports', '__dirname', '__filename', 'global', 'setImmediate', 'clearImmediate'];

/** Tests, test support and fixtures: never imported by product code, so never in a bundle. */
const testFiles = ['**/*.test.ts', '**/*.test.tsx', '**/testing/**', '**/*-test-support.ts', '**/*-test-env.ts'];
const testOnlyImports = {
  group: ['**/testing/**', '**/*-test-support.js', '**/*-test-env.js', '**/*.test.js'],
  message: 'test support and fixtures stay out of product code (and so out of the bundle); product code may not import them',
};

/**
 * A layer's import rule (DESIGN.md, "Rules of the layers"): its tests get the layer's patterns, its
 * product files those and testOnlyImports (the later block wins for the files both match).
 */
function layer(files, ignores, patterns) {
  const group = { group: patterns, message: 'this folder may not import that (DESIGN.md, "Rules of the layers")' };
  return [
    { files, ignores, rules: { 'no-restricted-imports': ['error', { patterns: [group] }] } },
    { files, ignores: [...ignores, ...testFiles], rules: { 'no-restricted-imports': ['error', { patterns: [group, testOnlyImports] }] } },
  ];
}

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'e2e/output/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='ipcMain']", message: 'use src-main/shell/ipc.ts, which checks senders' },
        { selector: "MemberExpression[object.name='ipcRenderer']", message: 'use the preload wrapper' },
      ],
    },
  },
  // Where code runs decides its globals: the renderer is a browser page, src-shared runs anywhere, the rest is Node.
  { ignores: ['src-renderer/**', 'src-shared/**'], languageOptions: { globals: globals.node } },
  {
    files: ['src-renderer/**'],
    languageOptions: { globals: globals.browser },
    rules: { 'no-restricted-globals': ['error', ...nodeGlobals.map((name) => ({ name, message: 'the renderer has no Node' }))] },
  },
  // Product code outside the layers below (preload, Electron main and shell) may not import test code either.
  { files: ['src-*/**'], ignores: testFiles, rules: { 'no-restricted-imports': ['error', { patterns: [testOnlyImports] }] } },
  ...layer(['src-shared/**'], [], [...nodeBuiltins, 'electron', 'react', '../src-*', '../../src-*']),
  ...layer(['src-main/**'], ['src-main/index.ts', 'src-main/shell/**'], ['electron', '**/src-renderer/**', '**/shell/**']),
  ...layer(['src-renderer/**'], [], [...nodeBuiltins, 'electron', '**/src-main/**', '**/src-preload/**']),
  {
    files: ['src-main/shell/ipc.ts', 'src-preload/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
