import "server-only";
import type { Db } from "@/db";
import { createLab, findLabByNameOrPartnerId } from "@/db/queries/labs";
import { enableTwoFactor, storePendingSecret } from "@/db/queries/two-factor";
import { countUsers, createUser, findUserByEmail } from "@/db/queries/users";
import type { LabRole, UserRole } from "@/db/schema";
import { recordChange } from "@/lib/admin/audit-change";
import { hashPassword } from "@/lib/account/password-hash";
import { totpUri } from "@/lib/account/totp";
import { configuredTotpKeyring, encryptTotpSecret } from "@/lib/account/totp-secret";

/**
 * Demo accounts for the embedded default. Their passwords and the demo admin's
 * authenticator secret are public (docs, console), so a production deployment refuses
 * them at sign-in, whatever the account.
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
  /** Enrolled in two-factor sign-in with DEMO_TOTP_SECRET at seeding (admins must use it). */
  totp?: boolean;
  /** Other labs, each with a role of its own (roles are per lab). */
  members?: ReadonlyArray<{ lab: (typeof demoLabs)[number]["name"]; role: LabRole }>;
}> = [
  {
    email: "admin@demo.lab",
    password: "demo-admin-pass",
    name: "Ada Admin",
    role: "admin",
    labs: ["Demo Reference Lab", "Northside Clinical Lab"],
    totp: true,
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

/**
 * The demo admin's authenticator secret (base32), public like the demo passwords: the
 * start prints it, and an otpauth URI, so that a newcomer can add it to an authenticator
 * app (or compute a code) and reach the admin pages without enrolling a phone first.
 */
export const DEMO_TOTP_SECRET = "DEMOADMINLABPORTALTOTPSECRETKEY2";

export function isDemoPassword(password: string): boolean {
  return demoAccounts.some((a) => a.password === password);
}

export type DemoSeedResult = { accounts: boolean; labResults: number };

/**
 * Seeds the demo labs and accounts into an empty database (the demo admin enrolled in
 * two-factor sign-in with DEMO_TOTP_SECRET), then the demo data (lib/demo-data.ts) that
 * is not there yet. Idempotent: a database with users gets no accounts, and the data is
 * added per lab result only when missing, and only when the demo labs and the demo
 * accounts that upload it exist.
 */
export async function seedDemo(db: Db): Promise<DemoSeedResult> {
  const accounts = await seedDemoAccounts(db);
  return { accounts, labResults: await seedDemoLabResults(db) };
}

async function seedDemoAccounts(db: Db): Promise<boolean> {
  if ((await countUsers(db)) > 0) return false;
  const labIds = new Map<string, string>();
  for (const lab of demoLabs) {
    const created = await createLab(db, lab);
    labIds.set(lab.name, created.id);
  }
  for (const account of demoAccounts) {
    const user = await createUser(db, {
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
    if (account.totp) await enrolDemoTotp(db, user.id, [...labIds.values()]);
  }
  return true;
}

/** Enrols a demo account with DEMO_TOTP_SECRET, as a confirmed enrolment does (stored encrypted, audited); no recovery codes. */
async function enrolDemoTotp(db: Db, userId: string, labIds: string[]): Promise<void> {
  if (!(await storePendingSecret(db, userId, encryptTotpSecret(DEMO_TOTP_SECRET, userId, configuredTotpKeyring()))))
    return;
  await db.transaction(async (tx) => {
    // Time step 0: any current code is newer, so the first sign-in's code is accepted.
    if (!(await enableTwoFactor(tx, userId, 0, []))) return;
    await recordChange(tx, {
      action: "user.two_factor_enable",
      actorId: userId,
      labIds,
      details: { targetUserId: userId, before: { twoFactor: false }, after: { twoFactor: true, recoveryCodes: 0 } },
    });
  });
}

async function seedDemoLabResults(db: Db): Promise<number> {
  const demoLab = await findLabByNameOrPartnerId(db, "demo-lab");
  const northside = await findLabByNameOrPartnerId(db, "northside-lab");
  const technician = await findUserByEmail(db, "technician@demo.lab");
  const admin = await findUserByEmail(db, "admin@demo.lab");
  // Only into the demo's own labs, uploaded by its own accounts.
  if (!demoLab || !northside || !technician?.isDemo || !admin?.isDemo) return 0;
  // pdf-lib and the data are needed only here: loaded when seeding, never by a request.
  const { seedDemoData } = await import("./demo-data");
  return seedDemoData(db, {
    "Demo Reference Lab": { userId: technician.id, labId: demoLab.id, partnerLabId: demoLab.partnerLabId ?? "" },
    "Northside Clinical Lab": { userId: admin.id, labId: northside.id, partnerLabId: northside.partnerLabId ?? "" },
  });
}

/**
 * The demo accounts as the start prints them; `withTotp` adds the demo admin's
 * authenticator secret and its otpauth URI (the embedded default only).
 */
export function demoCredentialsText({ withTotp = false }: { withTotp?: boolean } = {}): string {
  const rows = demoAccounts.map(
    (a) =>
      `    ${a.role.padEnd(11)} ${a.email.padEnd(22)} ${a.password}${(a.members ?? []).map((m) => ` (${m.role} in ${m.lab})`).join("")}`,
  );
  const totp = withTotp
    ? demoAccounts
        .filter((a) => a.totp)
        .flatMap((a) => [
          `    Authenticator secret of ${a.email}: ${DEMO_TOTP_SECRET}`,
          `    (add it to an authenticator app, or open: ${totpUri(DEMO_TOTP_SECRET, a.email)})`,
        ])
    : [];
  return ["Demo accounts (embedded default only):", ...rows, ...totp].join("\n");
}
