import { getDb } from "@/db";
import { findLabByNameOrPartnerId } from "@/db/queries/labs";
import { createUser, findUserByEmail } from "@/db/queries/users";
import { labRoles, type LabRole } from "@/lib/domain";
import { hashPassword } from "@/lib/account/password-hash";
import { createUserSchema, labRoleSchema } from "@/lib/validations/admin";
import { parseCli } from "./cli";
import { validateCli } from "./validate";

export const userCreateUsage =
  "npm run user:create -- --email E --password P --role operator|admin|technician|doctor [--name NAME] [--lab NAME_OR_PARTNER_LAB_ID ...] [--member NAME_OR_PARTNER_LAB_ID=ROLE ...]\n  (--role is the role in each --lab; --member adds a lab with a role of its own; operator is a platform role and takes no lab)";

/**
 * `npm run user:create`'s work, on the arguments after the command (the CLI, and the e2e
 * suite preparing its accounts in one process, call it alike).
 */
export async function userCreateCommand(argv: string[]): Promise<void> {
  const args = parseCli(
    {
      email: { type: "string" },
      password: { type: "string" },
      role: { type: "string" },
      name: { type: "string" },
      lab: { type: "string", multiple: true },
      member: { type: "string", multiple: true },
    },
    argv,
  );
  const members = (args.member ?? []).map((value) => {
    const at = value.lastIndexOf("=");
    const role = labRoleSchema.safeParse(at > 0 ? value.slice(at + 1) : "");
    if (!role.success) throw new Error(`--member must be LAB=ROLE with ROLE one of ${labRoles.join(", ")}`);
    return { lab: value.slice(0, at), role: role.data };
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
  // An operator routes reports whose lab is unknown and belongs to no lab; anyone else sees
  // nothing until added to one.
  const memberships: { labId: string; role: LabRole }[] = [];
  for (const member of members) {
    const lab = await findLabByNameOrPartnerId(db, member.lab);
    if (!lab)
      throw new Error(`no lab named or with partner lab id "${member.lab}" (create it with npm run lab:create)`);
    if (labIds.includes(lab.id) || memberships.some((m) => m.labId === lab.id))
      throw new Error(`lab "${member.lab}" is named twice`);
    memberships.push({ labId: lab.id, role: member.role });
  }
  if (input.role === "operator" && labIds.length + memberships.length > 0) {
    throw new Error("an operator is a platform role and belongs to no lab: leave out --lab");
  }
  if (labIds.length + memberships.length === 0 && input.role !== "operator") {
    console.warn("warning: the user belongs to no lab and will see no data until added to one (--lab).");
  }
  const user = await createUser(db, {
    email: input.email,
    name: input.name ?? input.email.split("@")[0] ?? input.email,
    role: input.role,
    passwordHash: await hashPassword(input.password),
    labIds,
    memberships,
  });
  console.log(`Created ${input.role} ${user.email}${input.labs.length ? ` in ${input.labs.join(", ")}` : ""}.`);
  for (const member of members) console.log(`  ${member.role} in ${member.lab}`);
  console.log(`id: ${user.id}`);
}
