import { getDb } from "@/db";
import { reencryptTotpSecrets, TotpRotationError } from "@/lib/account/two-factor";
import { configuredTotpKeyring } from "@/lib/account/totp-secret";
import { parseCli, runCli } from "./lib/cli";

const usage =
  "TOTP_ENCRYPTION_KEY=<new key> TOTP_ENCRYPTION_KEYS_PREVIOUS=<old keys, comma-separated> npm run totp:rotate-key";

/**
 * Re-encrypts every stored TOTP secret with the current TOTP_ENCRYPTION_KEY, in one
 * transaction: legacy plain-text secrets and secrets under a previous key. Refuses, and
 * changes nothing, when a secret decrypts with no configured key (naming only the user
 * ids). Afterwards the previous keys can be removed from the configuration.
 */
await runCli(usage, async () => {
  parseCli({});
  const keyring = configuredTotpKeyring();
  const db = await getDb();
  try {
    const report = await reencryptTotpSecrets(db, keyring);
    console.log(
      `Re-encrypted ${report.reencrypted} of ${report.total} stored TOTP secret(s) with key ${keyring.current.id} ` +
        `(${report.legacy} were plain text); ${report.alreadyCurrent} already used that key.`,
    );
  } catch (error) {
    // Plain Error: runCli prints the message, which names user ids and no secret.
    if (error instanceof TotpRotationError) throw new Error(`${error.message}. Nothing was changed.`);
    throw error;
  }
});
