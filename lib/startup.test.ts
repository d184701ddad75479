import { describe, expect, it } from "vitest";
import { sharedKeyRefusal } from "./startup";

const KEY = Buffer.alloc(32, 7).toString("base64");

describe("sharedKeyRefusal (several instances need one server-actions key)", () => {
  it("refuses a production deployment that finds another web instance and has no key", async () => {
    const message = await sharedKeyRefusal({ productionDeployment: true }, async () => 1);
    expect(message).toContain("1 other portal instance(s)");
    expect(message).toContain("NEXT_SERVER_ACTIONS_ENCRYPTION_KEY");
  });

  it("lets the first instance, an instance with the key, and a non-production start go on", async () => {
    let asked = 0;
    const count = async () => {
      asked++;
      return 2;
    };
    expect(await sharedKeyRefusal({ productionDeployment: true }, async () => 0)).toBeNull();
    expect(
      await sharedKeyRefusal({ productionDeployment: true, NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: KEY }, count),
    ).toBeNull();
    expect(await sharedKeyRefusal({ productionDeployment: false }, count)).toBeNull();
    expect(asked).toBe(0);
  });
});
