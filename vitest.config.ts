/**
 * Unit and integration tests: node environment for src-main and src-shared, jsdom for the renderer.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['src-main/**/*.test.ts', 'src-shared/**/*.test.ts', 'src-preload/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
          pool: 'forks',
          setupFiles: ['src-main/testing/setup.ts'],
          // One private dockerd + busybox test image for the run (tests: inject('berthDocker')).
          globalSetup: ['src-main/testing/docker-global-setup.ts'],
        },
      },
      {
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['src-renderer/**/*.test.{ts,tsx}'],
          testTimeout: 15_000,
        },
      },
    ],
  },
});
