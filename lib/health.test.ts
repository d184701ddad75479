import { describe, expect, it } from "vitest";
import { checkReadiness } from "./health";

const healthy = {
  ping: async () => {},
  pending: async () => 0,
  queueStarted: () => true,
  timeoutMs: 200,
};

describe("checkReadiness", () => {
  it("is ready when the database answers, the migrations are current and the queue has started", async () => {
    expect(await checkReadiness(healthy)).toEqual({
      ready: true,
      checks: { database: "ok", migrations: "ok", queue: "ok" },
    });
  });

  it("names the database when it is unreachable", async () => {
    const readiness = await checkReadiness({ ...healthy, ping: () => Promise.reject(new Error("ECONNREFUSED")) });
    expect(readiness).toMatchObject({ ready: false, failing: "database", reason: "unreachable" });
  });

  it("gives up on a database that does not answer after the timeout", async () => {
    const started = Date.now();
    const readiness = await checkReadiness({ ...healthy, ping: () => new Promise<void>(() => {}) });
    expect(readiness).toMatchObject({ ready: false, failing: "database", reason: "no answer within 200 ms" });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("names the migrations when some are not applied", async () => {
    const readiness = await checkReadiness({ ...healthy, pending: async () => 2 });
    expect(readiness).toMatchObject({ ready: false, failing: "migrations", checks: { database: "ok" } });
    expect(readiness.ready === false && readiness.reason).toContain("2 migration(s) not applied");
  });

  it("names the queue when it has not started", async () => {
    const readiness = await checkReadiness({ ...healthy, queueStarted: () => false });
    expect(readiness).toMatchObject({ ready: false, failing: "queue", checks: { database: "ok", migrations: "ok" } });
  });
});
