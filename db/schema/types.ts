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
