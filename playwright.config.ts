import { defineConfig, devices } from "@playwright/test";
import { E2E_BASE_PORT, E2E_PORT, E2E_WORKERS } from "./e2e/fixtures/accounts";
import { CHROMIUM_ARGS, chromiumPath } from "./scripts/lib/chromium";

const isCI = Boolean(process.env.CI);
const chromium = { ...devices["Desktop Chrome"], channel: undefined };
const longSpecs = ["send-recovery.spec.ts", "phone.spec.ts", "inbox.spec.ts", "a11y.spec.ts"].map(
  (file) => `**/${file}`,
);

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
    // A failed test keeps a screenshot and its page's accessibility snapshot (error-context.md).
    // A trace (actions, DOM snapshots, network) is recorded with E2E_TRACE=on, kept for failed
    // tests only: recording one for every test cost about a tenth of the suite's CPU (measured:
    // three spec files, 95 s without traces, 105 s with), which the two-core CI machine lacks.
    trace: process.env.E2E_TRACE === "on" ? { mode: "retain-on-failure", screenshots: false } : "off",
    screenshot: "only-on-failure",
    // Playwright may not download its own browsers here: use the system Chromium.
    launchOptions: { executablePath: chromiumPath(), args: CHROMIUM_ARGS },
  },
  // The longest spec files first (they wait on leases, rate limits and the critical window,
  // or walk every page), so that no worker is left with a long one at the end while the
  // others are idle: Playwright hands out spec files in project order, then file order.
  projects: [
    { name: "long", testMatch: longSpecs, use: chromium },
    { name: "chromium", testIgnore: longSpecs, use: chromium },
  ],
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
