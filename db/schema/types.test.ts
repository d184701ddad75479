import { PgDialect } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { byteaFromBase64 } from "./types";

/** What byteaFromBase64 sends to PostgreSQL (the round trip itself: deliveries.int.test.ts). */
const rendered = (value: ReturnType<typeof byteaFromBase64>) => new PgDialect().sqlToQuery(value);

describe("byteaFromBase64", () => {
  const bytes = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x00, 0xff]);

  it("sends the caller's Base64 as it is, for the database to decode", () => {
    // Deliberately not the encoding of `bytes`: the given text is used, not re-encoded.
    expect(rendered(byteaFromBase64(bytes, "QUJD"))).toMatchObject({ sql: "decode($1, 'base64')", params: ["QUJD"] });
  });

  it("encodes the bytes itself when no Base64 is given, including a view into a larger buffer", () => {
    expect(rendered(byteaFromBase64(bytes)).params).toEqual([Buffer.from(bytes).toString("base64")]);
    const larger = new Uint8Array([9, 9, ...bytes, 9]);
    expect(rendered(byteaFromBase64(larger.subarray(2, 2 + bytes.length))).params).toEqual([
      Buffer.from(bytes).toString("base64"),
    ]);
  });
});
