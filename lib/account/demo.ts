import "server-only";
import type { Db } from "@/db";
import { createLab } from "@/db/queries/labs";
import { countUsers, createUser } from "@/db/queries/users";
import type { LabRole, UserRole } from "@/db/schema";
import { hashPassword } from "@/lib/account/password-hash";

/**
 * Demo accounts for the embedded default. Their passwords are public (README, console),
 * so a production deployment refuses them at sign-in, whatever the account.
 */
export const demoLabs = [
  { name: "Demo Reference Lab", partnerLabId: "demo-lab" },
  { name: "Northside Clinical Lab", partnerLabId: "northside-lab" },
] as const;

export const demoAccounts: ReadonlyArray<{
  email: string;
  password: string;
  name: string;
  /** Their role in each of `labs` ("operator": a platform operator, in no lab). */
  role: UserRole;
  labs: ReadonlyArray<(typeof demoLabs)[number]["name"]>;
  /** Other labs, each with a role of its own (roles are per lab). */
  members?: ReadonlyArray<{ lab: (typeof demoLabs)[number]["name"]; role: LabRole }>;
}> = [
  {
    email: "admin@demo.lab",
    password: "demo-admin-pass",
    name: "Ada Admin",
    role: "admin",
    labs: ["Demo Reference Lab", "Northside Clinical Lab"],
  },
  {
    email: "technician@demo.lab",
    password: "demo-technician-pass",
    name: "Theo Technician",
    role: "technician",
    labs: ["Demo Reference Lab"],
    members: [{ lab: "Northside Clinical Lab", role: "doctor" }],
  },
  {
    email: "doctor@demo.lab",
    password: "demo-doctor-pass",
    name: "Dora Doctor",
    role: "doctor",
    labs: ["Demo Reference Lab"],
  },
];

export function isDemoPassword(password: string): boolean {
  return demoAccounts.some((a) => a.password === password);
}

/** Seeds the demo labs and accounts into an empty database; returns false when it has users. */
export async function seedDemo(db: Db): Promise<boolean> {
  if ((await countUsers(db)) > 0) return false;
  const labIds = new Map<string, string>();
  for (const lab of demoLabs) {
    const created = await createLab(db, lab);
    labIds.set(lab.name, created.id);
  }
  for (const account of demoAccounts) {
    await createUser(db, {
      email: account.email,
      name: account.name,
      role: account.role,
      passwordHash: await hashPassword(account.password),
      labIds: account.labs.map((name) => labIds.get(name)).filter((id): id is string => id !== undefined),
      memberships: (account.members ?? []).flatMap((m) => {
        const labId = labIds.get(m.lab);
        return labId ? [{ labId, role: m.role }] : [];
      }),
      isDemo: true,
    });
  }
  return true;
}

export function demoCredentialsText(): string {
  const rows = demoAccounts.map(
    (a) =>
      `    ${a.role.padEnd(11)} ${a.email.padEnd(22)} ${a.password}${(a.members ?? []).map((m) => ` (${m.role} in ${m.lab})`).join("")}`,
  );
  return ["Demo accounts (embedded default only):", ...rows].join("\n");
}
