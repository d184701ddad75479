import type { Sql } from "postgres";

/**
 * postgres.js with every parameterised statement prepared (a named statement per
 * connection), for drizzle.
 *
 * drizzle's postgres.js driver asks for a prepared statement only for a query given a
 * name (`.prepare("name")`): every other statement goes out as an unnamed one, which
 * PostgreSQL parses, analyses and plans again at each execution. Measured on a report
 * delivery (perf on the PostgreSQL backends during `npm run bench:deliveries`): parsing
 * and planning were about a quarter of PostgreSQL's CPU per delivery, for a transaction of
 * a dozen short statements. Prepared, a connection parses and analyses a statement once;
 * PostgreSQL's plan cache then keeps a generic plan when it is no worse than a custom one.
 *
 * postgres.js keeps a connection's statements until the connection closes (its pool
 * replaces a connection after `max_lifetime`, 30 to 60 minutes by default), and prepares
 * again on its own when a schema change invalidated one. A statement without parameters
 * stays a simple query, as before.
 *
 * The wrapper changes `unsafe` (what drizzle calls for every statement) and the
 * transaction handles `begin` and `savepoint` give to their callbacks; everything else is
 * the client itself.
 */
export function preparedByDefault<T extends Sql>(client: T): T {
  type Call = (...args: unknown[]) => unknown;
  const methods = client as unknown as Record<"unsafe" | "begin" | "savepoint", Call>;
  /** begin([options], callback) and savepoint([name], callback): the callback's handle is wrapped too. */
  const wrapCallback =
    (open: Call): Call =>
    (...args) => {
      const callback = args.at(-1);
      if (typeof callback !== "function") return open(...args);
      return open(...args.slice(0, -1), (transaction: Sql) => callback(preparedByDefault(transaction)));
    };
  // Made once per client or transaction handle, not at every statement. postgres.js's
  // functions are closures over their client: they need no `this`.
  const overrides: Record<string, Call> = {
    unsafe: (query, parameters, options) =>
      methods.unsafe(query, parameters ?? [], { ...(options as object | undefined), prepare: true }),
    begin: wrapCallback(methods.begin),
    savepoint: wrapCallback(methods.savepoint),
  };
  return new Proxy(client, {
    get: (target, property) =>
      typeof property === "string" && Object.hasOwn(overrides, property)
        ? overrides[property]
        : Reflect.get(target, property),
  });
}
