/**
 * End-to-end tests: the built headless server (`node bin/berth.mjs serve`) driven through Debian's
 * Chromium. No browser is ever downloaded; a missing Chromium is a loud skip (a failure when
 * BERTH_TEST_REQUIRE_ENGINES=1).
 */
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumStatus } from './e2e/fixtures/chromium.js';

const chromium = chromiumStatus();
if (!chromium.found) {
  if (process.env.BERTH_TEST_REQUIRE_ENGINES === '1') {
    throw new Error(`e2e: Chromium not found at ${chromium.path} and BERTH_TEST_REQUIRE_ENGINES=1`);
  }
  if (!process.env.TEST_WORKER_INDEX) console.log(`SKIPPED: e2e — Chromium not found at ${chromium.path}`);
}

/** Longest a single test may run (server start, session creation, terminal round trips). */
const TEST_TIMEOUT_MS = 90_000;
/** Default wait of `expect(...)` assertions. */
const EXPECT_TIMEOUT_MS = 15_000;

export default defineConfig({
  testDir: 'e2e/specs',
  outputDir: 'e2e/output/test-results',
  workers: 1,
  retries: 0,
  fullyParallel: false,
  reporter: 'list',
  timeout: TEST_TIMEOUT_MS,
  expect: { timeout: EXPECT_TIMEOUT_MS },
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: {
      executablePath: chromium.path,
      args: CHROMIUM_ARGS,
    },
  },
});
