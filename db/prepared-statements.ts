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
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === "unsafe") {
        const unsafe = target.unsafe.bind(target) as (...args: unknown[]) => unknown;
        return (query: string, parameters?: unknown, options?: Record<string, unknown>) =>
          unsafe(query, parameters ?? [], { ...options, prepare: true });
      }
      if (property === "begin" || property === "savepoint") {
        const open = (target as unknown as Record<string, (...args: unknown[]) => unknown>)[property]!.bind(target);
        return (...args: unknown[]) => {
          const callback = args.at(-1);
          if (typeof callback !== "function") return open(...args);
          return open(...args.slice(0, -1), (transaction: Sql) => callback(preparedByDefault(transaction)));
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === "function" && property !== "constructor" ? value.bind(target) : value;
    },
  });
}
