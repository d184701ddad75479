import { defineConfig, devices } from "@playwright/test";
import { E2E_BASE_PORT, E2E_PORT, E2E_WORKERS } from "./e2e/fixtures/accounts";
import { CHROMIUM_ARGS, chromiumPath } from "./scripts/lib/chromium";

const isCI = Boolean(process.env.CI);

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  // After the last spec: no patient data in the portals' logs (e2e/log-scan.ts).
  globalTeardown: "./e2e/log-scan.ts",
  // E2E_WORKERS workers (default 2), each with its own portal, simulator and database (its
  // shard, see e2e/fixtures/accounts.ts); the tests of one spec file run in order in one worker.
  workers: E2E_WORKERS,
  fullyParallel: false,
  forbidOnly: isCI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: isCI ? [["list"], ["html", { open: "never" }]] : [["list"]],
  use: {
    // This file is evaluated again in each worker, where E2E_PORT is that worker's shard's port.
    baseURL: `http://localhost:${E2E_PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    // Playwright may not download its own browsers here: use the system Chromium.
    launchOptions: { executablePath: chromiumPath(), args: CHROMIUM_ARGS },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
  webServer: Array.from({ length: E2E_WORKERS }, (_, shard) => ({
    command: "tsx --conditions=react-server e2e/serve.ts",
    env: { E2E_SHARD: String(shard) },
    url: `http://localhost:${E2E_BASE_PORT + 10 * shard}/api/health`,
    reuseExistingServer: false,
    timeout: 360_000,
    stdout: "pipe" as const,
    stderr: "pipe" as const,
  })),
});
