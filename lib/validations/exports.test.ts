import { describe, expect, it } from "vitest";
import { hl7SettingsSchema } from "./exports";

const labId = "0f8d7a52-6c1e-4f11-9d35-3b0a6f0e2c11";

describe("hl7SettingsSchema", () => {
  it("takes a feed endpoint and trims; empty names become null (the defaults)", () => {
    expect(
      hl7SettingsSchema.parse({
        labId,
        hl7SendingApplication: " NW-LIS ",
        hl7SendingFacility: "",
        hl7FeedEnabled: "on",
        hl7FeedHost: "engine.example.org",
        hl7FeedPort: "2575",
      }),
    ).toEqual({
      labId,
      hl7SendingApplication: "NW-LIS",
      hl7SendingFacility: null,
      hl7FeedEnabled: true,
      hl7FeedHost: "engine.example.org",
      hl7FeedPort: 2575,
    });
  });

  it("refuses an enabled feed without host or port, a bad port, a host with a scheme, and HL7 delimiters in names", () => {
    const errors = (input: Record<string, unknown>) => {
      const parsed = hl7SettingsSchema.safeParse({ labId, hl7FeedEnabled: null, ...input });
      return parsed.success ? {} : Object.fromEntries(parsed.error.issues.map((i) => [i.path.join("."), i.message]));
    };
    expect(errors({ hl7FeedEnabled: "on", hl7FeedHost: "", hl7FeedPort: "" })).toEqual({
      hl7FeedHost: "The feed needs a host.",
      hl7FeedPort: "The feed needs a port.",
    });
    expect(errors({ hl7FeedPort: "70000" })).toEqual({ hl7FeedPort: "A port is 1 to 65535." });
    expect(errors({ hl7FeedHost: "mllp://engine" })).toEqual({ hl7FeedHost: "Enter a host name or an IP address." });
    expect(errors({ hl7SendingApplication: "A|B" })).toEqual({
      hl7SendingApplication: "Sending application: no | ^ ~ \\ & or line breaks.",
    });
    // A disabled feed may keep its endpoint, or have none.
    expect(errors({ hl7FeedHost: "10.0.0.5", hl7FeedPort: "2575" })).toEqual({});
  });
});
