import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { DrizzleQueryError } from "drizzle-orm/errors";
import { describe, expect, it, vi } from "vitest";
import { describeError, errorResponse } from "./errors";

/** A query error as drizzle raises it: the SQL and its bound parameters in the message. */
function queryError(): Error {
  const driver = Object.assign(new Error('invalid input syntax for type uuid: "Lovelace P-100"'), {
    name: "PostgresError",
    code: "22P02",
  });
  return new DrizzleQueryError(
    "select * from patients where family_name ilike $1 and patient_id = $2",
    ["%Lovelace%", "P-100"],
    driver,
  );
}

describe("describeError", () => {
  it("gives names and codes along the cause chain, never the message or its parameters", () => {
    const text = describeError(queryError());
    expect(text).toBe("Error <- PostgresError (22P02)");
    expect(text).not.toMatch(/Lovelace|P-100|select/);
  });
  it("copes with values that are not errors", () => {
    expect(describeError("boom P-100")).toBe("string");
    expect(describeError(undefined)).toBe("unknown error");
  });
});

describe("errorResponse", () => {
  it("logs an unexpected query error without the patient data in its message", async () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const response = errorResponse(queryError());
      expect(response.status).toBe(500);
      const logged = spy.mock.calls.flat().join(" ");
      expect(logged).toContain("PostgresError (22P02)");
      expect(logged).not.toMatch(/Lovelace|P-100/);
      expect(JSON.stringify(await response.json())).not.toMatch(/Lovelace|P-100/);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("log statements", () => {
  it("never print an error's message in server code (app, lib, db)", () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const full = path.join(dir, entry);
        if (statSync(full).isDirectory()) walk(full);
        else if (/\.tsx?$/.test(entry) && !entry.includes(".test.")) {
          const lines = readFileSync(full, "utf8").split("\n");
          lines.forEach((line, i) => {
            // A configuration error's message is ours (it names variables, never data).
            const envError = /instanceof EnvError/.test(`${lines[i - 1] ?? ""}${line}`);
            if (/console\.(error|warn|log)\(.*(error|err|e)\.message/.test(line) && !envError)
              offenders.push(`${full}:${i + 1}`);
          });
        }
      }
    };
    for (const dir of ["app", "lib", "db"]) walk(path.join(process.cwd(), dir));
    expect(offenders).toEqual([]);
  });
});
