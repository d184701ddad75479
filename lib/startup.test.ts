import { describe, expect, it } from "vitest";
import { demoSeeding, sharedKeyRefusal } from "./startup";

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

describe("demoSeeding (the demo data goes into the embedded default only, unless asked for)", () => {
  it("seeds the embedded default and prints the demo admin's authenticator secret there", () => {
    expect(demoSeeding({ embedded: true, SEED_DEMO: false })).toEqual({ seed: true, printTotpSecret: true });
  });

  it("never seeds a DATABASE_URL database without SEED_DEMO=1", () => {
    expect(demoSeeding({ embedded: false, SEED_DEMO: false })).toEqual({ seed: false, printTotpSecret: false });
  });

  it("seeds a DATABASE_URL database with SEED_DEMO=1, without printing the secret", () => {
    expect(demoSeeding({ embedded: false, SEED_DEMO: true })).toEqual({ seed: true, printTotpSecret: false });
  });
});
