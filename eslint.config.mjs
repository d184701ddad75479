import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

/**
 * Imports point one way: app -> components -> lib -> db, and lib/domain.ts (the shared
 * vocabulary) is open to every layer. `upward(layers)` refuses the layers above a folder,
 * in the alias form ("@/app/...") and the relative form ("../../app/...").
 */
function upward(layers, message, { allow = [], docusFace = true } = {}) {
  const from = String.raw`(@/|(\./)?(\.\./)+)`;
  const escaped = allow.map((path) => path.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
  const except = escaped.length > 0 ? `(?!${from}(${escaped.join("|")})$)` : "";
  const patterns = layers.length > 0 ? [{ regex: `^${except}${from}(${layers.join("|")})(/|$)`, message }] : [];
  // The Docus module has one face: outside lib/docus, import it from its index only.
  if (docusFace)
    patterns.push({
      regex: String.raw`^@/lib/docus/.+`,
      message: "Import the Docus module from @/lib/docus (its index), not its inner files.",
    });
  return ["error", { patterns }];
}

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/ban-ts-comment": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  // Tests are imported by nothing, so they may wire layers together (a query's test uses
  // lib/testing's database and lib/audit's writer).
  {
    files: ["components/**"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": upward(
        ["app", "db"],
        "Components may not import app/ or db/: take data as props, types and vocabulary from lib/.",
      ),
    },
  },
  {
    files: ["app/**"],
    ignores: ["**/*.test.ts"],
    rules: { "no-restricted-imports": upward([], "app/ is the top layer") },
  },
  {
    files: ["lib/**"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": upward(
        ["app", "components"],
        "lib/ may not import app/ or components/: move what both need into lib/.",
      ),
    },
  },
  {
    files: ["lib/docus/**"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": upward(
        ["app", "components"],
        "lib/ may not import app/ or components/: move what both need into lib/.",
        { docusFace: false },
      ),
    },
  },
  {
    files: ["db/**"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": upward(
        ["app", "components", "lib"],
        "db/ may not import app/, components/ or lib/ (apart from lib/domain, the shared vocabulary).",
        { allow: ["lib/domain"] },
      ),
    },
  },
  // One known exception, allowing only its one import: the database layer opens the
  // database its configuration names (lib/env.ts, read and validated in one place).
  {
    files: ["db/index.ts"],
    rules: {
      "no-restricted-imports": upward(["app", "components", "lib"], "db/ may not import app/, components/ or lib/.", {
        allow: ["lib/domain", "lib/env"],
      }),
    },
  },
  globalIgnores([
    ".next/**",
    "out/**",
    "build/**",
    "dist/**",
    "next-env.d.ts",
    ".data/**",
    "db/migrations/**",
    "test-results/**",
    "playwright-report/**",
  ]),
]);
