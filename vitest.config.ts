import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@\/(.*)$/, replacement: path.resolve(import.meta.dirname, "$1") },
      // Tests import server modules directly, outside React's server environment.
      { find: /^server-only$/, replacement: path.resolve(import.meta.dirname, "lib/testing/server-only-stub.ts") },
    ],
  },
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", ".next/**", "e2e/**", ".data/**", "dist/**"],
    environment: "node",
    // One migrated template database per run; each test file's database is a copy of it.
    globalSetup: ["lib/testing/global-setup.ts"],
    // Generous: an integration test on the embedded PGlite (WebAssembly) runs several times
    // slower than on PostgreSQL, and CI runs the suite on both.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration suites each create their own database; keep the 2-core machine calm.
    maxWorkers: 2,
  },
});
