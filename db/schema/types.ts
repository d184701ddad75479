import { sql, type SQL } from "drizzle-orm";
import { customType } from "drizzle-orm/pg-core";

/** Raw bytes stored as `bytea`; drivers hand back a Uint8Array (postgres.js a Buffer). */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType() {
    return "bytea";
  },
  toDriver(value) {
    return value;
  },
  fromDriver(value) {
    return value instanceof Uint8Array ? value : new Uint8Array(value);
  },
});

/**
 * A `bytea` value to insert, sent as Base64 for PostgreSQL to decode: a third fewer bytes
 * than postgres.js's hex for `bytea`, and no hex string twice the size in memory. `base64`
 * is the bytes' Base64 when the caller already has it (a delivery's, as it came in).
 */
export function byteaFromBase64(bytes: Uint8Array, base64?: string): SQL<Uint8Array> {
  const text = base64 ?? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  return sql<Uint8Array>`decode(${text}, 'base64')`;
}
