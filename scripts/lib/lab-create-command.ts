import { getDb } from "@/db";
import { createLab, findLabByNameOrPartnerId } from "@/db/queries/labs";
import { createLabSchema } from "@/lib/validations/admin";
import { parseCli } from "./cli";
import { validateCli } from "./validate";

export const labCreateUsage = "npm run lab:create -- --name NAME [--partner-lab-id ID]";

/** `npm run lab:create`'s work, on the arguments after the command (see userCreateCommand). */
export async function labCreateCommand(argv: string[]): Promise<void> {
  const args = parseCli({ name: { type: "string" }, "partner-lab-id": { type: "string" } }, argv);
  const input = validateCli(createLabSchema, { name: args.name ?? "", partnerLabId: args["partner-lab-id"] });
  const db = await getDb();
  for (const key of [input.name, input.partnerLabId]) {
    if (key && (await findLabByNameOrPartnerId(db, key))) {
      throw new Error(`a lab named or with partner lab id "${key}" already exists`);
    }
  }
  const lab = await createLab(db, input);
  console.log(`Created lab "${lab.name}"${lab.partnerLabId ? ` (partner lab id ${lab.partnerLabId})` : ""}.`);
  console.log(`id: ${lab.id}`);
}
