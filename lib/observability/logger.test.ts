import { describe, expect, it } from "vitest";
import { createLogger, errorFields, requestContext } from "./logger";

describe("errorFields", () => {
  it("keeps the names, codes and frames of an error, never its message (which can carry patient data)", () => {
    const cause = Object.assign(new Error("duplicate key (patient_id)=(PAT-SECRET-1)"), {
      name: "PostgresError",
      code: "23505",
    });
    const error = new Error("Failed query: insert into patients ... params: PAT-SECRET-1,Jane", { cause });
    const fields = errorFields(error);
    expect(fields.type).toBe("Error <- PostgresError (23505)");
    expect(fields.frames?.[0]).toMatch(/^at /);
    expect(JSON.stringify(fields)).not.toMatch(/PAT-SECRET|Jane|Failed query/);
  });
});

describe("the logger", () => {
  it("writes JSON lines with the level's name, and the request id of the request being handled", () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger("info", { write: (line: string) => void lines.push(JSON.parse(line)) });
    logger.debug("not at info");
    requestContext().run({ requestId: "req-12345678" }, () => logger.warn({ event: "x" }, "inside"));
    logger.info("outside");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: "warn", event: "x", requestId: "req-12345678", msg: "inside" });
    expect(lines[1]).toMatchObject({ level: "info", msg: "outside" });
    expect(lines[1]!.requestId).toBeUndefined();
  });
});
