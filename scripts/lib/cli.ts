import { parseArgs, type ParseArgsConfig } from "node:util";
import { DatabaseLockedError, closeDb } from "@/db";
import { EnvError } from "@/lib/env";
import { describeError } from "@/lib/errors";

export class UsageError extends Error {}

/** Parses `--flag value` arguments; unknown flags are a usage error. */
export function parseCli<T extends NonNullable<ParseArgsConfig["options"]>>(options: T, argv = process.argv.slice(2)) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Runs a CLI's main function: prints a clear error and exits non-zero on failure, and
 * always closes the database (releasing the embedded database's lock).
 */
export async function runCli(usage: string, main: () => Promise<void>): Promise<void> {
  let code = 0;
  try {
    await main();
  } catch (error) {
    code = 1;
    if (error instanceof UsageError) {
      console.error(`error: ${error.message}\n\nusage: ${usage}`);
      code = 2;
    } else if (error instanceof EnvError) {
      console.error(error.message);
    } else {
      // The CLI's own messages (plain Errors, the database lock) are for the person;
      // anything else, such as a query error carrying bound parameters, shows its name
      // and code only.
      const ours = error instanceof DatabaseLockedError || (error instanceof Error && error.constructor === Error);
      console.error(`error: ${ours ? error.message : describeError(error)}`);
    }
  } finally {
    await closeDb().catch(() => undefined);
  }
  process.exit(code);
}
