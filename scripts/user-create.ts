import { getDb } from "@/db";
import { findLabByNameOrPartnerId } from "@/db/queries/labs";
import { createUser, findUserByEmail } from "@/db/queries/users";
import { hashPassword } from "@/lib/password";
import { createUserSchema } from "@/lib/validations/admin";
import { parseCli, runCli } from "./lib/cli";
import { validateCli } from "./lib/validate";

const usage =
  "npm run user:create -- --email E --password P --role operator|admin|technician|doctor [--name NAME] [--lab NAME_OR_PARTNER_LAB_ID ...]";

await runCli(usage, async () => {
  const args = parseCli({
    email: { type: "string" },
    password: { type: "string" },
    role: { type: "string" },
    name: { type: "string" },
    lab: { type: "string", multiple: true },
  });
  const input = validateCli(
    createUserSchema,
    {
      email: args.email ?? "",
      password: args.password ?? "",
      role: args.role ?? "",
      name: args.name,
      labs: args.lab ?? [],
    },
    { labs: "--lab" },
  );
  const db = await getDb();
  if (await findUserByEmail(db, input.email)) throw new Error(`a user with email ${input.email} already exists`);
  const labIds: string[] = [];
  for (const key of input.labs) {
    const lab = await findLabByNameOrPartnerId(db, key);
    if (!lab) throw new Error(`no lab named or with partner lab id "${key}" (create it with npm run lab:create)`);
    labIds.push(lab.id);
  }
  // An operator routes reports whose lab is unknown and needs no lab; anyone else sees
  // nothing until added to one.
  if (labIds.length === 0 && input.role !== "operator") {
    console.warn("warning: the user belongs to no lab and will see no data until added to one (--lab).");
  }
  const user = await createUser(db, {
    email: input.email,
    name: input.name ?? input.email.split("@")[0] ?? input.email,
    role: input.role,
    passwordHash: await hashPassword(input.password),
    labIds,
  });
  console.log(`Created ${user.role} ${user.email}${input.labs.length ? ` in ${input.labs.join(", ")}` : ""}.`);
  console.log(`id: ${user.id}`);
});
