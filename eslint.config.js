// Lint: typescript-eslint's recommended rules plus the layering rules from DESIGN.md
// (folder says where code runs; raw ipcMain/ipcRenderer only in the one wrapper that checks senders).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'net', 'http', 'events', 'stream', 'util'];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'e2e/output/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='ipcMain']", message: 'use src-main/shell/ipc.ts, which checks senders' },
        { selector: "MemberExpression[object.name='ipcRenderer']", message: 'use the preload wrapper' },
      ],
    },
  },
  {
    files: ['src-shared/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...nodeBuiltins, 'electron', 'react', '../src-*', '../../src-*'] }],
    },
  },
  {
    files: ['src-main/**'],
    ignores: ['src-main/index.ts', 'src-main/shell/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['electron', '**/src-renderer/**', '**/shell/**'] }],
    },
  },
  {
    files: ['src-renderer/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...nodeBuiltins, 'electron', '**/src-main/**', '**/src-preload/**'] }],
    },
  },
  {
    files: ['src-main/shell/ipc.ts', 'src-preload/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
