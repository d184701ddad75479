import { defineConfig, devices } from "@playwright/test";
import { E2E_PORT } from "./e2e/fixtures/accounts";
import { CHROMIUM_ARGS, chromiumPath } from "./scripts/lib/chromium";

const isCI = Boolean(process.env.CI);

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  // After the last spec: no patient data in the portals' logs (e2e/log-scan.ts).
  globalTeardown: "./e2e/log-scan.ts",
  // One server and one database on a 2-core machine: run the specs one after another.
  workers: 1,
  fullyParallel: false,
  forbidOnly: isCI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: isCI ? [["list"], ["html", { open: "never" }]] : [["list"]],
  use: {
    baseURL: `http://localhost:${E2E_PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    // Playwright may not download its own browsers here: use the system Chromium.
    launchOptions: { executablePath: chromiumPath(), args: CHROMIUM_ARGS },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
  webServer: {
    command: "tsx --conditions=react-server e2e/serve.ts",
    url: `http://localhost:${E2E_PORT}/api/health`,
    reuseExistingServer: false,
    timeout: 360_000,
    stdout: "pipe",
    stderr: "pipe",
  },
});
