import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import libFolders from "./eslint-rules/lib-folder-cycles.mjs";

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

const systemQueries = {
  regex: String.raw`^(@/|(\./)?(\.\./)+)db/queries/system(/|$)`,
  message:
    "db/queries/system/ bypasses lab scoping: only the workers (lib/send, the HL7 feed, the report text check and diff), the delivery route (lib/docus/delivery), share links, the demo seeding and the operator's pages may import it (see eslint.config.mjs).",
};

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
  // No import cycles between lib's folders (eslint-rules/lib-folder-cycles.mjs): each
  // folder can be read knowing only the ones below it.
  {
    files: ["lib/**/*.{ts,tsx}"],
    ignores: ["**/*.test.ts"],
    plugins: { "lib-folders": libFolders },
    rules: { "lib-folders/no-lib-folder-cycle": "error" },
  },
  // The system queries (db/queries/system/) bypass lab scoping by design: only the code
  // that acts for no user may import them: the workers (the send: lib/send; the HL7 feed:
  // lib/exports/mllp-feed.ts; the delivered report's text check and the amendment diff:
  // lib/reports/text-check.ts, lib/reports/diff-job.ts), the delivery route's handling
  // (app/api/docus/reports, lib/docus/delivery), a share link's opening (lib/share/links.ts:
  // the link, not a user, is the authority, and it names one report), the embedded
  // default's demo seeding (lib/demo), the operator's triage pages
  // (app/(admin)/admin/deliveries) and the process start (lib/startup.ts, which counts the
  // other instances). A second rule name
  // (typescript-eslint's copy of no-restricted-imports) so the layer rules above still apply.
  {
    files: ["**/*.{ts,tsx,mts}"],
    ignores: [
      "**/*.test.ts",
      "db/**",
      "lib/send/**",
      "lib/exports/mllp-feed.ts",
      "lib/reports/text-check.ts",
      "lib/reports/diff-job.ts",
      "lib/share/links.ts",
      "lib/demo/**",
      "lib/docus/delivery/**",
      "app/api/docus/reports/**",
      "app/(admin)/admin/deliveries/**",
      "lib/startup.ts",
      "scripts/**",
      "e2e/**",
    ],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns: [systemQueries] }] },
  },
  // scripts/ and e2e/ see the Docus module through its faces only: lib/docus/index.ts, or
  // lib/docus/wire.ts (the wire contract, for the simulator on plain Node and for tests
  // that sign deliveries), never its inner files. Nor do they reach the system queries.
  {
    files: ["scripts/**/*.{ts,mts}", "e2e/**/*.{ts,mts}"],
    ignores: ["**/*.test.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: String.raw`^(@/|(\./)?(\.\./)+)lib/docus/(?!(index|wire)(\.ts)?$).+`,
              message:
                "scripts/ and e2e/ import the Docus module from its faces: @/lib/docus (index) or lib/docus/wire.ts (the wire contract), not its inner files.",
            },
            systemQueries,
          ],
        },
      ],
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
